"""Benchmarks: commands that print figures, kept out of the app package.

``python -m benchmarks editor|export|pretag [options]`` (see ``docs/benchmarks.md``).
Shared helpers: ``seeding`` (throw-away data), ``timing``, ``server`` (the app on a local
port), ``browser`` (headless Chromium). The app never imports this package.
"""
