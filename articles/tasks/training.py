"""Training a project's re-scorer: take a version id, call the service, retry only transient
errors."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from articles import queue
from articles.services.training import tagger_train, tagger_training_failed
from articles.tasks.base import RowTask


class TrainingTask(RowTask):
    def mark_failed(self, args: tuple[Any, ...], error: str) -> None:
        if args:
            tagger_training_failed(version_id=args[0], error=error)


@shared_task(base=TrainingTask, name=queue.TRAINING)
def train_tagger(version_id: int) -> None:
    tagger_train(version_id=version_id)
