"""Pre-taggers: pure functions of text → suggestions (no ORM).

``base`` holds the protocol and the ``Suggestion`` dataclass, one module per tagger, and
``registry`` finds a tagger by name.
"""

from articles.tagging.base import Suggestion, Tagger
from articles.tagging.registry import available_taggers, get_tagger, register

__all__ = ["Suggestion", "Tagger", "available_taggers", "get_tagger", "register"]
