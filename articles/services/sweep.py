"""The sweep: send again every piece of background work nobody is doing.

The database is the source of truth for pending work (``articles/services/heartbeat.py``
says what counts as lost). Celery beat runs the sweep every ``SWEEP_INTERVAL_SECONDS``, a
worker runs it when it starts, and ``manage.py pretag_pending`` runs it by hand; so a killed
worker or a broker outage heals without anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.models import Project
from articles.services.import_jobs import import_sweep
from articles.services.pretag import pretag_sweep
from articles.services.snapshots import snapshot_sweep


@dataclass(frozen=True)
class Swept:
    articles: int
    tasks: int
    snapshots: int
    imports: int = 0  # sent again, or failed because their worker died

    def __str__(self) -> str:
        imports = f"; swept {self.imports} import(s)" if self.imports else ""
        return (
            f"Queued {self.articles} article(s) in {self.tasks} task(s) "
            f"and {self.snapshots} snapshot(s){imports}."
        )


def sweep(*, project: Project | None = None, dead_after: int | None = None) -> Swept:
    """Send lost pre-tags, then lost snapshot builds, then lost imports (failing those whose
    worker died), of one project or all; ``dead_after``
    overrides ``HEARTBEAT_TIMEOUT_SECONDS`` (0: every running task is taken for dead).

    Broker errors propagate; whatever was not sent stays marked for the next sweep.
    """
    articles, tasks = pretag_sweep(project=project, dead_after=dead_after)
    snapshots = snapshot_sweep(project=project, dead_after=dead_after)
    imports = import_sweep(project=project, dead_after=dead_after)
    return Swept(articles, tasks, snapshots, imports)
