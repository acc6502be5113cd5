"""Server-rendered pages, one module per page group.

Each view parses its input with a Django form, checks access through ``articles.access``
(404 for outsiders, 403 below the role), calls one service or selector and renders. A
``DomainError`` a service raises becomes an error on the form field it names, answered with
400; nothing is written by a refused request.
"""
