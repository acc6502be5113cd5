"""Reads, one module per entity, with their joins and prefetches decided once.

Each entity has one ``x_get`` (through ``articles.access``: 404 for outsiders, 403 below the
needed role) and its lists, used by the API, the pages and the exports alike.
"""
