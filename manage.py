#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A missing or bad setting is the operator's to fix: one line naming it, not a
        # traceback (the settings' messages name the variable).
        print(
            f"manage.py: {error} (settings come from the environment: README, Configuration)",
            file=sys.stderr,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
