"""Run a benchmark against the configured database: ``python -m benchmarks NAME --help``."""

import os
import sys

import django


def _main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    django.setup()
    from benchmarks.cli import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(_main())
