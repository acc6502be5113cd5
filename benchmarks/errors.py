"""The one error a benchmark raises for bad options or a failed step (exit status 2)."""


class BenchmarkError(Exception):
    pass
