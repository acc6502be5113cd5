"""The Celery app. Configuration comes from Django settings (``CELERY_*``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import beat_init, celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
# Celery's Django fixup runs the system checks when a worker starts, and they load the
# URLconf: every view, serializer and the schema generator (numpy too, for agreement), about
# 25 MiB in the main process and so in each process forked from it, none of which a task
# needs. ``migrate`` (before any worker, in make run and in compose) and the web server run
# the same checks. CELERY_SKIP_CHECKS= (empty) brings them back.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("annotator")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A pool process keeps what its biggest task made it allocate: CPython and the C libraries
# seldom give memory back, and a task that loaded the encoder (torch and its model, about
# 470 MiB more) or sklearn keeps them loaded for good. Past this peak resident size (KiB,
# as Celery counts it: the process's own peak RSS), the pool replaces the process once its
# task is done; a fresh one is forked from the main process, which never runs tasks, at
# 70 to 80 MiB. The price is that the next embedding task loads the model again (seconds).
# Imports and pre-tagging stay under it. CELERY_WORKER_MAX_MEMORY_PER_CHILD in the settings
# or ``celery worker --max-memory-per-child`` sets another limit.
WORKER_MAX_MEMORY_PER_CHILD_KIB = 200 * 1024


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders; a server broker needs nothing."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if folder := options.get(key):
            Path(folder).mkdir(parents=True, exist_ok=True)


def limit_pool_memory(conf: Any) -> None:
    """The default ``worker_max_memory_per_child`` unless the settings name one."""
    if not conf.worker_max_memory_per_child:
        conf.worker_max_memory_per_child = WORKER_MAX_MEMORY_PER_CHILD_KIB


@celeryd_init.connect
def _prepare_worker(conf: Any = None, **_: object) -> None:
    # Sent before the worker reads its options: what is set here, it uses.
    ensure_broker_folders()
    limit_pool_memory(conf if conf is not None else app.conf)


@beat_init.connect
def _prepare_beat(**_: object) -> None:
    # ``celery beat`` on its own (not a worker's ``-B``) sends on the same transport.
    ensure_broker_folders()
