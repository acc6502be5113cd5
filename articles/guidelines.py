"""The annotation guidelines shipped with the app, and the default label set they define."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from articles.attributes import CUE, DIRECT, FACT_CHECK_URL, SPEAKER, VERDICT, VERDICT_NOTE

GUIDELINES_PATH = Path(__file__).with_name("guidelines.md")


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str
    pattern: str
    hotkey: str
    description: str
    attributes: tuple[dict[str, Any], ...] = field(default=())


DEFAULT_LABELS: tuple[LabelSpec, ...] = (
    LabelSpec(
        "claim",
        "#2563eb",
        "solid",
        "1",
        "A clause or sentence asserting something as fact, in a way evidence could support "
        "or refute. Not questions, value judgements, hedged statements, bylines or bios. "
        "Attributes: verdict, verdict_note, fact_check_url.",
        (VERDICT, VERDICT_NOTE, FACT_CHECK_URL),
    ),
    LabelSpec(
        "quote",
        "#059669",
        "double",
        "2",
        "Reported speech of anyone other than the author: the words inside quotation marks "
        "(without the marks) or the content clause after a reporting verb. Attributes: "
        "speaker, direct.",
        (SPEAKER, DIRECT),
    ),
    LabelSpec(
        "speculation",
        "#d97706",
        "wavy",
        "3",
        "A possibility, guess, prediction or conjecture with an explicit marker of "
        "uncertainty (may, might, perhaps, I do not rule out …). Attribute: cue.",
        (CUE,),
    ),
)


# The label whose spans are claims (similar-claims lookup): the taggers name labels by name.
CLAIM_LABEL = "claim"


def is_claim_label(name: str) -> bool:
    return name == CLAIM_LABEL


@cache
def guidelines_text() -> str:
    return GUIDELINES_PATH.read_text(encoding="utf-8")
