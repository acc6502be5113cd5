"""``python -m benchmarks NAME [options]``: one sub-command per benchmark module.

Each benchmark module has ``arguments(parser)`` and ``run(options, out)``; ``out`` takes one
printed line. Modules are imported only once Django is set up (they import the app's models).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from benchmarks.errors import BenchmarkError

BENCHMARKS = {
    "editor": "Editor page in headless Chromium, accept latency, decision saves.",
    "export": "Exports (JSONL vs the database's own JSON, CoNLL, memory, queries), API latency.",
    "import": "Import jobs: database work vs PostgreSQL COPY, peak and resting memory.",
    "pretag": "Tagger, bulk import, and import → tagged by a Celery worker.",
    "search": "Span search at 100,000 spans: each filter, deep pages, with and without the index.",
    "similar": "Embedding claims (real model), similar-claims lookup at 100k claim spans.",
    "calls": "The editor's hot calls one at a time, in-process and over HTTP, before/after.",
    "load": "Editors against gunicorn at a fixed request rate: throughput, p50/p95/p99, errors.",
}

# Where a benchmark's name is not its module's ("import" is a keyword).
MODULES = {"import": "imports"}

Output = Callable[[str], None]


def printer(stream: TextIO) -> Output:
    def out(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()  # figures appear as they are measured, even when piped

    return out


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run one benchmark; it prints its figures (see docs/benchmarks.md).",
    )
    commands = top.add_subparsers(dest="benchmark", required=True, metavar="NAME")
    for name, summary in BENCHMARKS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        importlib.import_module(f"benchmarks.{MODULES.get(name, name)}").arguments(sub)
    return top


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Parse ``argv``, run that benchmark, print its figures; 0, or 2 after a clear error."""
    options = parser().parse_args(argv)
    module = importlib.import_module(
        f"benchmarks.{MODULES.get(options.benchmark, options.benchmark)}"
    )
    try:
        module.run(options, printer(stdout or sys.stdout))
    except BenchmarkError as error:
        print(f"{options.benchmark}: {error}", file=sys.stderr)
        return 2
    return 0
