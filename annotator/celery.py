"""The Celery app. Configuration comes from Django settings (``CELERY_*``)."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

app = Celery("annotator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders; a server broker needs nothing."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if folder := options.get(key):
            Path(folder).mkdir(parents=True, exist_ok=True)


@celeryd_init.connect
def _prepare_worker(**_: object) -> None:
    ensure_broker_folders()


@beat_init.connect
def _prepare_beat(**_: object) -> None:
    # ``celery beat`` on its own (not a worker's ``-B``) sends on the same transport.
    ensure_broker_folders()
