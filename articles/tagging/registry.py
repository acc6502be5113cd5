"""Taggers by name: the built-in ones, plus any registered by other code via ``register``."""

from __future__ import annotations

from collections.abc import Callable

from articles.errors import DomainError
from articles.tagging.base import Tagger

_FACTORIES: dict[str, Callable[[], Tagger]] = {}
_INSTANCES: dict[str, Tagger] = {}


def register(name: str, factory: Callable[[], Tagger]) -> None:
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def available_taggers() -> list[str]:
    _load_builtin()
    return sorted(_FACTORIES)


def get_tagger(name: str) -> Tagger:
    """The tagger registered under ``name``; unknown names are a ``DomainError`` on 'tagger'."""
    _load_builtin()
    if name not in _FACTORIES:
        raise DomainError(
            f"Unknown tagger {name!r}; available: {', '.join(sorted(_FACTORIES))}.",
            field="tagger",
        )
    if name not in _INSTANCES:
        _INSTANCES[name] = _FACTORIES[name]()
    return _INSTANCES[name]


_loaded = False


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from articles.tagging import http, llm, rules

    register(rules.RulesTagger.name, rules.RulesTagger)
    register(http.HttpTagger.name, http.HttpTagger)
    register(llm.LlmTagger.name, llm.LlmTagger)
