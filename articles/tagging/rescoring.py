# ruff: noqa: RUF001  (typographic quote marks are the point here)
"""A project's re-scorer: the rules' candidates, plus a few the rules leave out, scored by a
model fitted on that project's own decisions.

``prepare(text)`` is a pure function of the text: the rules' candidates (with the shipped
calibration's confidence as a prior) and *extra* candidates where the rules suggest nothing
of a label in a sentence: the whole sentence as a claim or a speculation, and for quotes the
clause after a reporting verb with its subject as the speaker, from a broader list of verbs
than the rules dare use alone. Each has its features: the calibration features of
``features.features`` (cheaper ones for extras) and the words of the sentence(s) it lies in.
``Rescorer`` holds the fitted numbers, as plain dictionaries (``articles.tagging.training``
fits them; a ``TaggerVersion`` row stores them), and ``apply`` keeps a rules candidate unless
its probability of being kept falls below ``drop_below`` and adds an extra one only above
``add_above``; every suggestion it returns has that probability as its confidence. A label
without a fitted model keeps the rules' output and confidence, and gets no extras.

Applying a re-scorer needs no numerical library: a few dictionary look-ups per candidate.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from articles.tagging.base import Suggestion
from articles.tagging.calibration import stored_table
from articles.tagging.features import features
from articles.tagging.rules import (
    REPORTING_VERBS,
    _clean_np,
    _strip_marks,
    candidates_and_paragraphs,
)

LABELS = ("claim", "quote", "speculation")
# Labels that get extra whole-sentence candidates. Not quotes: a quote is rarely a whole
# sentence, and a sentence shown in its place costs a boundary fix and a typed speaker, as
# much as drawing the quote.
EXTRA_LABELS = ("claim", "speculation")
# Quotes get extra candidates of their own kind instead: the clause after a reporting verb,
# with the subject as the speaker (``_reported_clauses``).
# Reporting verbs, broader than the rules' (which need "that" or a clause to follow most of
# them): what an editor keeps among these, the model learns.
_REPORTING = re.compile(
    r"\b(?:" + REPORTING_VERBS + r"|asked|asks|accused|accuses|called for|calls for|urged|"
    r"urges|described|describes|criticized|criticised|praised|blamed|questioned|"
    r"acknowledged|thinks|thought|believed|wants|wanted|hopes|hoped|expects|expected|"
    r"announced|proposed|proposes|pledged|pledges|according to)\b"
)


# The first words of those verbs: a sentence with none of them is not searched at all.
def _with_confidence(s: Suggestion, confidence: float | None) -> Suggestion:
    # dataclasses.replace costs three times as much, on every candidate of every article
    return Suggestion(s.label, s.start, s.end, s.attrs, confidence, s.rule, s.cue)


def _spellings(alternative: str) -> list[str]:
    """The words an alternative of the pattern spells: "emphasi[sz]ed" both ways."""
    head = alternative.split()[0]
    if "[" not in head:
        return [head]
    before, _, rest = head.partition("[")
    letters, _, after = rest.partition("]")
    return [spelling for letter in letters for spelling in _spellings(before + letter + after)]


_REPORTING_WORDS = frozenset(
    spelling
    for alternative in _REPORTING.pattern[5:-3].split("|")
    for spelling in _spellings(alternative)
)
EXTRA = "extra"  # rule prefix of the candidates the rules themselves leave out
# The prior of an extra candidate: the rules did not suggest it, so it starts unlikely.
EXTRA_PRIOR = math.log(0.05 / 0.95)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_MIN_WORDS = 3


def logit(probability: float) -> float:
    probability = min(1 - 1e-6, max(1e-6, probability))
    return math.log(probability / (1 - probability))


def sigmoid(score: float) -> float:
    if score < -60:
        return 0.0
    return 1.0 / (1.0 + math.exp(-score))


@dataclass(frozen=True, slots=True)
class Candidate:
    """One suggestion the re-scorer may keep or add, with what the model sees of it."""

    suggestion: Suggestion
    extra: bool
    values: dict[str, str]  # categorical features: one indicator per "name=value"
    words: frozenset[str]  # words of the sentence(s) it lies in: one indicator per "w=word"
    prior: float  # log-odds from the shipped calibration (EXTRA_PRIOR for extras)

    @property
    def label(self) -> str:
        return self.suggestion.label

    def indicators(self) -> list[str]:
        return [f"{name}={value}" for name, value in self.values.items()] + [
            f"w={word}" for word in self.words
        ]


class _Sentences:
    """The sentences of a text, with their words computed once each, on demand."""

    def __init__(self, text: str, bounds: list[tuple[int, int]]) -> None:
        self.text = text
        self.bounds = bounds
        self.starts = [start for start, _ in bounds]
        self._words: dict[int, frozenset[str]] = {}

    def words_of(self, index: int) -> frozenset[str]:
        words = self._words.get(index)
        if words is None:
            start, end = self.bounds[index]
            words = frozenset(_WORD.findall(self.text[start:end].lower()))
            self._words[index] = words
        return words

    def covering(self, start: int, end: int) -> list[int]:
        """Indices of the sentences that overlap ``[start, end)``."""
        first = max(0, bisect_right(self.starts, start) - 1)
        found = []
        for index in range(first, len(self.bounds)):
            s_start, s_end = self.bounds[index]
            if s_start >= end:
                break
            if s_end > start:
                found.append(index)
        return found

    def words_over(self, start: int, end: int) -> frozenset[str]:
        covering = self.covering(start, end)
        if len(covering) == 1:
            return self.words_of(covering[0])
        return frozenset().union(*(self.words_of(i) for i in covering))


ExtraFilter = Callable[[str, frozenset[str]], bool]


def prepare(
    text: str, extras: Collection[str] = LABELS, worth: ExtraFilter | None = None
) -> list[Candidate]:
    """The rules' candidates and the extra ones of the labels in ``extras``, with their
    features (see the docstring). ``worth(label, words)``, when given, says whether a
    sentence with these words could give an extra of that label at all (``Rescorer.could_add``);
    the others are not built."""
    found, taggable = candidates_and_paragraphs(text)
    table = stored_table()
    sentences = _Sentences(text, [s for para in taggable for s in para.sentences])
    result: list[Candidate] = []
    covered: dict[str, set[int]] = {label: set() for label in LABELS}
    for suggestion in found:
        values = features(text, suggestion)
        model = table.labels.get(suggestion.label)
        confidence = None if model is None else round(model.probability(values), 3)
        prior = logit(confidence) if confidence is not None else 0.0
        covering = sentences.covering(suggestion.start, suggestion.end)
        covered.setdefault(suggestion.label, set()).update(covering)
        result.append(
            Candidate(
                _with_confidence(suggestion, confidence),
                False,
                values,
                sentences.words_over(suggestion.start, suggestion.end),
                prior,
            )
        )
    for index, (s_start, s_end) in enumerate(sentences.bounds):
        start, end = _strip_marks(text, s_start, s_end)
        if start >= end:
            continue
        words = sentences.words_of(index)
        if len(words) < _MIN_WORDS:
            continue
        if (
            "quote" in extras
            and index not in covered["quote"]
            and not words.isdisjoint(_REPORTING_WORDS)
            and (worth is None or worth("quote", words))
        ):
            result.extend(_reported_clauses(text, start, end, words))
        shape: dict[str, str] | None = None
        for label in EXTRA_LABELS:
            if label not in extras or index in covered[label]:
                continue
            if worth is not None and not worth(label, words):
                continue
            shape = shape or _extra_values(text, start, end)
            suggestion = Suggestion(label, start, end, {}, rule=f"{EXTRA}.{label}.sentence")
            values = {"rule": suggestion.rule or "", **shape}
            result.append(Candidate(suggestion, True, values, words, EXTRA_PRIOR))
    return result


def _reported_clauses(text: str, start: int, end: int, words: frozenset[str]) -> list[Candidate]:
    """Quote candidates of one sentence the rules found no quote in: the clause after its
    first reporting verb, the subject before it as the speaker (a postposed ", X said" the
    rules find themselves)."""
    sentence = text[start:end]
    found: list[Candidate] = []
    verb = _REPORTING.search(sentence)
    if verb is not None and verb.start() > 0 and len(sentence) - verb.end() > 12:
        content = start + verb.end()
        while content < end and (text[content].isspace() or text[content] in ",:"):
            content += 1
        if text.startswith("that ", content):
            content += 5
        speaker, offset = _clean_np(text, start, start + verb.start())
        body_end = end - 1 if text[end - 1] in ".!" else end
        if body_end - content > 10:
            found.append(
                _quote_extra(
                    text, content, body_end, speaker, offset, "after", verb.group(0).lower(), words
                )
            )
    return found


def _quote_extra(
    text: str,
    start: int,
    end: int,
    speaker: str,
    offset: int | None,
    shape: str,
    cue: str,
    words: frozenset[str],
) -> Candidate:
    attrs: dict[str, Any] = {"speaker": speaker, "direct": False}
    if speaker and offset is not None:
        attrs["speaker_start"], attrs["speaker_end"] = offset, offset + len(speaker)
    suggestion = Suggestion("quote", start, end, attrs, rule=f"{EXTRA}.quote.{shape}", cue=cue)
    values = {
        "rule": suggestion.rule or "",
        "cue": cue,
        "speaker": "named" if speaker else "none",
        **_extra_values(text, start, end),
    }
    return Candidate(suggestion, True, values, words, EXTRA_PRIOR)


def _extra_values(text: str, start: int, end: int) -> dict[str, str]:
    """The cheap part of the calibration features, for the many extra candidates."""
    span = text[start:end]
    last = span.rstrip("\"”»’')]")[-1:]
    return {
        "ends": {".": "period", "!": "period", "?": "question", ":": "colon"}.get(last, "other"),
        "marks": "yes" if any(mark in span for mark in '"“”«»') else "no",
    }


@dataclass(frozen=True, slots=True)
class LabelModel:
    """Logistic regression of one label: ``sigmoid(intercept + prior_weight * prior + sum of
    the weights of the candidate's indicators)``."""

    intercept: float
    prior_weight: float
    weights: dict[str, float]
    _words: dict[str, float] = field(init=False, repr=False, compare=False)
    _values: dict[tuple[str, str], float] = field(init=False, repr=False, compare=False)
    _best_values: float = field(init=False, repr=False, compare=False)
    _positive_words: dict[str, float] = field(init=False, repr=False, compare=False)
    _word_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    _positive_keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Look-ups without building "name=value" strings per candidate: the weights of
        # words by word, the others by (name, value).
        words: dict[str, float] = {}
        values: dict[tuple[str, str], float] = {}
        for key, weight in self.weights.items():
            name, _, value = key.partition("=")
            if name == "w":
                words[value] = weight
            else:
                values[(name, value)] = weight
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_values", values)
        best: dict[str, float] = {}
        for (name, _), weight in values.items():
            best[name] = max(best.get(name, 0.0), weight)
        object.__setattr__(self, "_best_values", sum(best.values()))
        positive = {w: v for w, v in words.items() if v > 0}
        object.__setattr__(self, "_positive_words", positive)
        # Frozensets, so that an intersection walks the candidate's few words, not these.
        object.__setattr__(self, "_word_keys", frozenset(words))
        object.__setattr__(self, "_positive_keys", frozenset(positive))

    def words_raise(self, words: frozenset[str]) -> float:
        """The most these words can add to a score."""
        positive = self._positive_words
        return sum(positive[word] for word in words & self._positive_keys)

    def highest_score(self, prior: float, words: frozenset[str]) -> float:
        """An upper bound of the score of any candidate with this prior and these words: the
        best weight of every feature, and only the words that raise it."""
        raised = self.words_raise(words)
        return self.intercept + self.prior_weight * prior + self._best_values + raised

    def probability(self, candidate: Candidate) -> float:
        values, words = self._values, self._words
        score = self.intercept + self.prior_weight * candidate.prior
        for item in candidate.values.items():
            score += values.get(item, 0.0)
        for word in candidate.words & self._word_keys:
            score += words[word]
        return sigmoid(score)


@dataclass(frozen=True, slots=True)
class Rescorer:
    base: str  # the tagger whose candidates it was fitted on, "rules@1.7"
    labels: dict[str, LabelModel]
    drop_below: float
    add_above: float
    _needed: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Per label, what the words of a sentence must add for an extra to reach add_above.
        needed = {
            label: logit(self.add_above) - model.highest_score(EXTRA_PRIOR, frozenset())
            for label, model in self.labels.items()
        }
        object.__setattr__(self, "_needed", needed)

    def could_add(self, label: str, words: frozenset[str]) -> bool:
        """Whether any extra candidate of ``label`` in a sentence with these words can reach
        ``add_above`` (``prepare`` builds no others: the same output, less work)."""
        needed = self._needed.get(label)
        if needed is None:
            return False
        return needed <= 0 or self.labels[label].words_raise(words) >= needed

    def apply(self, candidates: list[Candidate]) -> list[Suggestion]:
        """The suggestions to show, in text order (see the module docstring)."""
        kept = []
        for candidate in candidates:
            model = self.labels.get(candidate.label)
            if model is None:
                if not candidate.extra:
                    kept.append(candidate.suggestion)
                continue
            probability = model.probability(candidate)
            threshold = self.add_above if candidate.extra else self.drop_below
            if probability >= threshold:
                kept.append(_with_confidence(candidate.suggestion, round(probability, 3)))
        return sorted(kept, key=lambda s: (s.start, -s.end, s.label))

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "drop_below": self.drop_below,
            "add_above": self.add_above,
            "labels": {
                name: {
                    "intercept": model.intercept,
                    "prior_weight": model.prior_weight,
                    "weights": model.weights,
                }
                for name, model in sorted(self.labels.items())
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rescorer:
        return cls(
            base=str(data["base"]),
            drop_below=float(data["drop_below"]),
            add_above=float(data["add_above"]),
            labels={
                name: LabelModel(
                    float(model["intercept"]),
                    float(model["prior_weight"]),
                    {str(k): float(v) for k, v in model["weights"].items()},
                )
                for name, model in data["labels"].items()
            },
        )


class RescoredTagger:
    """The rules tagger with a project's re-scorer: ``tagger_id`` gives ``rules@1.7+p12v3``."""

    name = "rules"

    def __init__(self, rescorer: Rescorer, model_name: str) -> None:
        self.rescorer = rescorer
        base_name, _, base_version = rescorer.base.partition("@")
        self.name = base_name or "rules"
        self.version = f"{base_version}+{model_name}"

    def tag(self, text: str) -> list[Suggestion]:
        # Extras only where a model could show them: apply() would drop the others.
        rescorer = self.rescorer
        return rescorer.apply(prepare(text, rescorer.labels.keys(), rescorer.could_add))


def rescored_from_file(path: Path) -> RescoredTagger:
    """The rules with the re-scorer whose numbers are stored at ``path`` (as
    ``simulate_editor --save-model`` writes them), named after the file; ``ValueError``
    when it holds none."""
    try:
        rescorer = Rescorer.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{path}: not a re-scorer's numbers ({error}).") from None
    return RescoredTagger(rescorer, path.stem)
