"""A made-up corpus for the learning tests: an editor who keeps rejecting one kind of claim
(filler sentences the rules take for claims) and marks one kind of sentence the rules call a
claim as speculation ("… will surely …"). Texts and gold are built together, so the gold
offsets are exact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TOPICS = ["water", "school", "bridge", "library", "harbour", "tram", "clinic", "market"]


def article(index: int) -> dict[str, Any]:
    topic = TOPICS[index % len(TOPICS)]
    sentences = [
        ("claim", f"The council approved the {topic} budget in March."),
        ("claim", f"Spending on the {topic} rose by a third over two years."),
        (None, "Lorem ipsum dolor sit amet, consectetur adipiscing elit."),
        ("speculation", f"The {topic} costs will surely double by the next election."),
        ("claim", f"Residents of ward {index + 1} filed forty complaints last winter."),
        (None, "Lorem ipsum dolor sit amet, sed do eiusmod tempor."),
    ]
    text = ""
    spans = []
    for label, sentence in sentences:
        start = len(text)
        text += sentence + (" " if len(text) < 120 else "\n")
        if label:
            spans.append(
                {
                    "label": label,
                    "start": start,
                    "end": start + len(sentence),
                    "text": sentence,
                    "attrs": {},
                }
            )
    return {"id": f"made-up-{index}", "title": topic, "text": text.rstrip(), "spans": spans}


def corpus(count: int) -> list[dict[str, Any]]:
    return [article(i) for i in range(count)]


def write(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in corpus(count)), encoding="utf-8")
    return path
