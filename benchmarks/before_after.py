"""Before/after: run the editor and export benchmarks of an earlier commit and of this
checkout back to back on the same machine (before, after, then after, before, …), and print
each figure side by side with its after/before ratio in brackets.

    python -m benchmarks.before_after 3e9e350 [--rounds 2] [--only editor,export]
        [--database-url postgres://postgres@127.0.0.1:5432/annotator_bench]
        [--editor-args "..."] [--export-args "..."] [--log-dir DIR] [--before-dir DIR]

The earlier commit is unpacked with ``git archive`` into a temporary folder (no worktree is
made) and run with this checkout's virtualenv, or taken as it is from ``--before-dir``. Its
benchmarks are ``manage.py benchmark_*`` commands before they moved to ``python -m
benchmarks``; either is found. Each side gets its own database (``NAME`` for the earlier
commit, ``NAME_after`` for this checkout), created if missing and migrated by its own code,
because their migrations differ. The machine is shared: compare the ratios of one run, not
figures across runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parents[1]
DEFAULT_ARGS = {
    "editor": "--words 2000 --spans 200 --decisions 20 --filler-spans 0",
    "export": "--articles 1000 --spans 25",
}
# A printed figure: 12, 1,234 or 0.87 (not the "3" of "best of 3," followed by a comma).
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.before_after", description=__doc__)
    parser.add_argument("before", help="The earlier commit (any git revision).")
    parser.add_argument("--rounds", type=int, default=2, help="Before/after pairs per benchmark.")
    parser.add_argument("--only", default="editor,export", help="Comma-separated benchmarks.")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/annotator_bench",
        help="The earlier commit's database; this checkout's gets the same name + _after.",
    )
    for name, default in DEFAULT_ARGS.items():
        parser.add_argument(f"--{name}-args", default=default, help=f"Options of {name}.")
    parser.add_argument("--log-dir", type=Path, help="Also keep every run's output here.")
    parser.add_argument(
        "--before-dir",
        type=Path,
        help="A checkout of the earlier commit to use as it is (e.g. a git worktree with a "
        ".venv link) instead of unpacking it.",
    )
    return parser.parse_args()


def _database(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _short(revision: str, where: Path = HERE) -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", f"{revision}^{{commit}}"],
        cwd=where,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _unpack(revision: str, into: Path) -> str:
    commit = _short(revision)
    archive = subprocess.Popen(["git", "archive", commit], cwd=HERE, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise SystemExit(f"git archive {commit} failed")
    (into / ".venv").symlink_to((HERE / ".venv").resolve())
    (into / "data").mkdir(exist_ok=True)
    return commit


def _command(tree: Path, name: str, options: str) -> list[str]:
    python = str(tree / ".venv" / "bin" / "python")
    if (tree / "benchmarks" / "__main__.py").exists():
        return [python, "-m", "benchmarks", name, *shlex.split(options)]
    return [python, "manage.py", f"benchmark_{name}", *shlex.split(options)]


class Side:
    def __init__(self, label: str, tree: Path, database_url: str) -> None:
        self.label, self.tree = label, tree
        self.env = {**os.environ, "DATABASE_URL": database_url}
        self.env.setdefault("SECRET_KEY", "benchmarks-only")
        self.outputs: dict[str, list[list[str]]] = defaultdict(list)

    def prepare(self) -> None:
        _ensure_database(self.env["DATABASE_URL"])
        python = str(self.tree / ".venv" / "bin" / "python")
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=self.tree,
            env=self.env,
            check=True,
        )

    def run(self, name: str, options: str, log_dir: Path | None) -> None:
        command = _command(self.tree, name, options)
        load = os.getloadavg()[0]
        began = time.monotonic()
        done = subprocess.run(
            command, cwd=self.tree, env=self.env, capture_output=True, text=True, check=False
        )
        lines = done.stdout.splitlines()
        print(
            f"-- {name}, {self.label}: {shlex.join(command[1:])} "
            f"({time.monotonic() - began:.0f} s, load {load:.2f} → {os.getloadavg()[0]:.2f})"
        )
        for line in lines:
            print(f"   {line}")
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            raise SystemExit(f"{name} ({self.label}) exited with {done.returncode}")
        if log_dir:
            run_number = len(self.outputs[name]) + 1
            (log_dir / f"{name}-{self.label}-{run_number}.txt").write_text(done.stdout)
        self.outputs[name].append(lines)
        sys.stdout.flush()


def _figures(runs: list[list[str]]) -> dict[str, list[list[str]]]:
    """Per line template (the line with its numbers blanked; a template printed twice in a
    run is told apart by a trailing `` [2]``): each run's numbers as printed."""
    found: dict[str, list[list[str]]] = defaultdict(list)
    for lines in runs:
        seen: dict[str, int] = defaultdict(int)
        for line in lines:
            template = NUMBER.sub("#", line)
            seen[template] += 1
            key = template if seen[template] == 1 else f"{template} [{seen[template]}]"
            found[key].append(NUMBER.findall(line))
    return found


def _value(printed: str) -> float:
    return float(printed.replace(",", ""))


def _median(printed: list[str]) -> str:
    """The median, with as many decimals as the benchmark printed."""
    decimals = len(printed[0].partition(".")[2])
    return f"{statistics.median(_value(p) for p in printed):,.{decimals}f}"


def side_by_side(before: list[list[str]], after: list[list[str]]) -> list[str]:
    """Each figure as ``before → after (after/before)``, medians over the rounds; a number
    that is the same in every run (a count, a size asked for) is printed once."""
    old, new = _figures(before), _figures(after)
    rows = []
    for template, new_runs in new.items():
        old_runs = old.get(template)
        if not old_runs:
            rows.append(f"after only: {template}")
            continue
        cells = []
        for position in range(len(new_runs[0])):
            b = [run[position] for run in old_runs]
            a = [run[position] for run in new_runs]
            if len(set(a + b)) == 1:
                cells.append(a[0])
                continue
            mb, ma = _median(b), _median(a)
            share = f" ({_value(ma) / _value(mb):.2f})" if _value(mb) else ""
            cells.append(f"{mb} → {ma}{share}")
        pieces = re.sub(r" \[\d+\]$", "", template).split("#")
        rows.append(pieces[0] + "".join(c + p for c, p in zip(cells, pieces[1:], strict=True)))
    rows.extend(f"before only: {t}" for t in old if t not in new)
    return rows


def main() -> None:
    options = _arguments()
    names = [n.strip() for n in options.only.split(",") if n.strip()]
    if options.log_dir:
        options.log_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-before-") as folder:
        if options.before_dir:
            folder = str(options.before_dir.resolve())
            commit = _short(options.before, options.before_dir)
            if commit != _short("HEAD", options.before_dir):
                raise SystemExit(f"{options.before_dir} is not at {options.before}")
        else:
            commit = _unpack(options.before, Path(folder))
        head = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        before = Side(f"before {commit}", Path(folder), options.database_url)
        after = Side(f"after {head}", HERE, _database(options.database_url, "_after"))
        print(
            f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} CPUs, load average "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; before = {commit}, "
            f"after = {head}; {options.rounds} rounds, each side first in turn"
        )
        for side in (before, after):
            side.prepare()
        for name in names:
            extra = getattr(options, f"{name}_args")
            for round_number in range(options.rounds):
                # Each side goes first in every other round: the first run of a pair can
                # meet colder caches (or a burst of someone else's load) than the second.
                pair = (before, after) if round_number % 2 == 0 else (after, before)
                for side in pair:
                    side.run(name, extra, options.log_dir)
        print(f"\n== before {commit} → after {head}, medians of {options.rounds} runs each")
        for name in names:
            print(f"-- {name} ({getattr(options, f'{name}_args')})")
            for row in side_by_side(before.outputs[name], after.outputs[name]):
                print(f"   {row}")
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
