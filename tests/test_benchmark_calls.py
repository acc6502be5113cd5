"""``python -m benchmarks calls`` end to end on tiny sizes, against the test database: every
figure printed (both trees, both sizes), nothing left behind."""

from __future__ import annotations

import pytest
from django.conf import global_settings

from benchmarks.calls import CALLS
from tests.test_benchmarks import assert_figures, assert_nothing_left, run_benchmark

CALL = (
    r"{size} articles, {kind} \({path}\), {tree}: in-process median {N} ms, p95 {N} ms, CPU "
    r"{N} ms, \d+ queries; HTTP median {N} ms, p95 {N} ms, server CPU {N} ms; 2 \+ 2 calls, "
    r"0 errors"
)
RATIO = (
    r"{size} articles, {kind}: after/before in-process median {N}, p95 {N}, CPU {N}, queries "
    r"{N}; HTTP median {N}, p95 {N}, server CPU {N}"
)


@pytest.mark.django_db(transaction=True)
def test_calls_benchmark_prints_every_figure_and_cleans_up(settings):
    # The servers and probes are child processes with the production hashers: the editor's
    # password must be hashed with one of them to sign in through the login form.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    status, lines = run_benchmark(
        "calls", "--articles", "2", "--more-articles", "1", "--spans", "2", "--calls", "2",
        "--rounds", "1", "--compare", "HEAD",
    )  # fmt: skip
    assert status == 0
    per_size = []
    for size in ("2", "3"):
        for kind, path in CALLS.items():
            for tree in (r"before [0-9a-f]+", "after"):
                pattern = CALL.format(size=size, kind=kind, path=path, tree=tree, N="{N}")
                per_size.append(pattern.replace("{id}", r"\{id\}"))
            per_size.append(RATIO.format(size=size, kind=kind, N="{N}"))
        per_size.append(rf"{size} articles measured; load average {{N}} {{N}} {{N}}")
    flat = [
        rf"{kind}, {tree}: 3/2 articles in-process median {{N}}, queries {{N}}; HTTP median {{N}}"
        for kind in CALLS
        for tree in (r"before [0-9a-f]+", "after")
    ]
    assert_figures(
        lines,
        [
            r"seeded 2 articles x 2 spans in {N} s; 1 editor; 2 calls of each kind per tree per "
            r"round, 1 rounds; \d+ CPUs; load average {N} {N} {N}; aims: decide <= 10 ms median "
            r"in the server, read < 27 ms \(doccano\)",
            *per_size[: len(per_size) // 2],
            r"added 1 articles in {N} s",
            *per_size[len(per_size) // 2 :],
            *flat,
        ],
    )
    assert_nothing_left()


@pytest.mark.django_db
def test_calls_benchmark_refuses_bad_options(capsys):
    assert run_benchmark("calls", "--calls", "0") == (2, [])
    assert capsys.readouterr().err.strip() == (
        "calls: --articles, --spans, --calls and --rounds must be positive."
    )
