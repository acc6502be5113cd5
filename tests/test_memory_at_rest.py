"""Memory at rest (issue 14): what the web and worker processes load before any work, and
what ``make run``'s processes hold.

The model libraries (torch with sentence-transformers, spaCy, scikit-learn) cost hundreds of
MiB each once imported, and a process never gives that back: a module-level import of one of
them anywhere on the request path or in a task module would put it into every process. These
tests start the real processes and look at what they loaded, so such an import fails here.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from annotator.celery import WORKER_MAX_MEMORY_PER_CHILD_KIB, limit_pool_memory
from tests.stack import stack, wait_until

# Import names, and the site-packages folders of their compiled parts (what /proc shows).
HEAVY_MODULES = ("torch", "sentence_transformers", "transformers", "spacy", "thinc", "sklearn")
HEAVY_FOLDERS = ("torch", "spacy", "thinc", "sklearn", "scipy", "tokenizers", "safetensors")

_LOAD_WEB_APP = """
import json, sys
import annotator.wsgi
from django.urls import get_resolver
# Every URL pattern resolved: the views, their serializers and what those import.
get_resolver().url_patterns
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {heavy!r})))
"""


def _mapped_packages(pid: int) -> set[str]:
    """site-packages folders with a file mapped into the process (its C extensions)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return set(re.findall(r"site-packages/([^/\s]+)/", maps))


def _family(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(child) for child in children)]


def _rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE).group(1))  # type: ignore[union-attr]


def test_the_web_app_with_all_its_urls_loads_no_model_library() -> None:
    """A fresh interpreter that loads the WSGI app and resolves every URL pattern."""
    # Nor numpy: only agreement figures need it, imported when computed.
    script = _LOAD_WEB_APP.format(heavy={*HEAVY_MODULES, "numpy", "krippendorff"})
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_pool_memory_limit_is_set_unless_the_settings_name_one() -> None:
    conf = Celery(set_as_current=False).conf
    limit_pool_memory(conf)
    assert conf.worker_max_memory_per_child == WORKER_MAX_MEMORY_PER_CHILD_KIB == 200 * 1024
    conf.worker_max_memory_per_child = 50_000
    limit_pool_memory(conf)
    assert conf.worker_max_memory_per_child == 50_000


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_ready_worker_with_beat_has_loaded_neither_models_nor_the_urlconf(
    tmp_path: Path,
) -> None:
    """The main process, its beat and its pool process, as make run starts them: no model
    library, and no numpy either (it comes with the URLconf, which the system checks would
    load: the worker skips them)."""
    with stack(tmp_path, "filesystem://") as app:
        worker = app.worker("rest", beat=True)
        wait_until(lambda: len(_family(worker.process.pid)) >= 3, 30, "beat and pool forked")
        loaded = {pid: _mapped_packages(pid) for pid in _family(worker.process.pid)}
    for pid, packages in loaded.items():
        assert not packages & {*HEAVY_FOLDERS, "numpy"}, (pid, sorted(packages))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_run_embedded_waits_on_its_children_as_a_small_process(tmp_path: Path) -> None:
    """The command execs its supervisor (same pid), which holds none of the app; Ctrl+C
    still stops the web server and the worker."""
    with stack(tmp_path, "filesystem://") as app:
        _, embedded = app.embedded()
        pid = embedded.process.pid
        command = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
        assert command[1].endswith("articles/management/commands/run_embedded.py"), command
        assert _rss_kib(pid) < 50 * 1024
        assert len(_family(pid)) == 3  # itself, the web server and the worker
        embedded.process.send_signal(signal.SIGINT)
        embedded.process.wait(timeout=30)
        assert "exited early" not in embedded.output()
