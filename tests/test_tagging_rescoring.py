"""The re-scorer's pure parts: candidates and features, fitting, applying, held-out figures."""

from __future__ import annotations

import json

import pytest

from articles.tagging.rescoring import (
    EXTRA_PRIOR,
    RescoredTagger,
    Rescorer,
    prepare,
    sigmoid,
)
from articles.tagging.rules import RulesTagger
from articles.tagging.training import (
    TrainingArticle,
    fit,
    outcomes,
    quality,
    should_activate,
    train,
)
from tests.learning_data import corpus

RULES_ID = f"rules@{RulesTagger.version}"


def articles(count: int) -> list[TrainingArticle]:
    return [TrainingArticle(a["id"], a["text"], tuple(a["spans"])) for a in corpus(count)]


def test_prepare_holds_the_rules_output_and_extra_sentences():
    text = corpus(1)[0]["text"]
    candidates = prepare(text)
    rules = [c.suggestion for c in candidates if not c.extra]
    assert rules == RulesTagger().tag(text)  # same spans, attributes and confidence
    extras = [c for c in candidates if c.extra]
    # every sentence is a rules claim, so each gets an extra speculation and no extra claim
    assert {c.label for c in extras} == {"speculation"}
    assert len(extras) == len(rules)
    assert all(
        c.prior == EXTRA_PRIOR and c.suggestion.rule == "extra.speculation.sentence" for c in extras
    )
    lorem = next(c for c in candidates if text[c.suggestion.start :].startswith("Lorem"))
    assert {"w=lorem", "w=ipsum", "rule=claim.sentence"} <= set(lorem.indicators())


def test_reported_clauses_the_rules_leave_out_are_extra_quotes_with_a_speaker():
    text = "Critics accused the council of wasting money on the new bridge."
    assert [c.label for c in prepare(text) if not c.extra] == ["claim"]
    (quote,) = [c for c in prepare(text) if c.extra and c.label == "quote"]
    found = quote.suggestion
    assert text[found.start : found.end] == "the council of wasting money on the new bridge"
    assert found.attrs["speaker"] == "Critics" and found.attrs["direct"] is False
    assert (found.attrs["speaker_start"], found.attrs["speaker_end"]) == (0, 7)
    assert quote.values["rule"] == "extra.quote.after" and quote.values["cue"] == "accused"
    # where the rules found the quote, there is no extra one
    postposed = "The bridge will cost twice the estimate, the engineers said."
    assert [c.suggestion.rule for c in prepare(postposed) if c.label == "quote"] == [
        "quote.indirect.postposed"
    ]


def test_a_rescorer_without_models_is_the_rules_tagger():
    text = corpus(1)[0]["text"]
    empty = Rescorer(RULES_ID, {}, 0.05, 0.5)
    assert empty.apply(prepare(text)) == RulesTagger().tag(text)


def test_outcomes_of_a_complete_article_match_the_truth_and_of_a_partial_one_its_decisions():
    record = corpus(1)[0]
    candidates = prepare(record["text"])
    complete = TrainingArticle("a", record["text"], tuple(record["spans"]))
    kept = {(e.candidate.label, e.candidate.extra): [] for e in outcomes(complete, candidates)}
    for example in outcomes(complete, candidates):
        kept[(example.candidate.label, example.candidate.extra)].append(example.kept)
    assert sorted(kept[("claim", False)]) == [False, False, False, True, True, True]
    assert sorted(kept[("speculation", True)]) == [False] * 5 + [True]
    first = next(c for c in candidates if not c.extra)
    partial = TrainingArticle("b", record["text"], None, {first.suggestion.key(): False})
    (only,) = outcomes(partial, candidates)
    assert (only.candidate, only.kept) == (first, False)
    quotes_only = TrainingArticle("c", record["text"], (), labels=frozenset({"quote"}))
    assert outcomes(quotes_only, candidates) == []


def test_fitted_model_drops_what_editors_reject_and_adds_what_they_draw():
    result = train(articles(12))
    rescorer = result.rescorer
    assert set(rescorer.labels) == {"claim", "speculation"}
    text = corpus(13)[12]["text"]  # an article the model has not seen
    shown = rescorer.apply(prepare(text))
    shown_texts = {(s.label, text[s.start : s.end]) for s in shown}
    assert not any(t.startswith("Lorem") for _, t in shown_texts)
    assert ("speculation", next(t for _, t in shown_texts if "surely" in t)) in shown_texts
    assert ("claim", "The council approved the harbour budget in March.") in shown_texts
    assert all(0.0 <= s.confidence <= 1.0 for s in shown)
    assert result.size["examples"] == len(
        [e for a in articles(12) for e in outcomes(a, prepare(a.text))]
    )


def test_held_out_figures_show_the_gain_and_allow_activation():
    arts = articles(10)
    figures = quality(arts, {a.key: prepare(a.text) for a in arts})
    assert figures is not None and figures["articles"] == 10 and figures["folds"] == 5
    assert figures["model"]["effort"] < figures["rules"]["effort"]
    assert figures["model"]["precision"] > figures["rules"]["precision"]
    assert figures["model"]["recall"] >= figures["rules"]["recall"]
    assert should_activate(figures)


def test_activation_needs_held_out_figures_that_are_no_worse():
    assert should_activate(None) is False
    rules = {"f1": 0.8, "effort": 0.3}
    assert should_activate({"rules": rules, "model": {"f1": 0.8, "effort": 0.3}})
    assert not should_activate({"rules": rules, "model": {"f1": 0.79, "effort": 0.2}})
    assert not should_activate({"rules": rules, "model": {"f1": 0.9, "effort": 0.31}})


def test_one_complete_article_gives_no_held_out_figures():
    assert quality(articles(1), {a.key: prepare(a.text) for a in articles(1)}) is None


def test_few_examples_fit_no_label():
    arts = articles(1)
    examples = [e for a in arts for e in outcomes(a, prepare(a.text))][:5]
    assert fit(examples).labels == {}


def test_numbers_survive_json_and_name_the_version():
    rescorer = train(articles(4)).rescorer
    again = Rescorer.from_dict(json.loads(json.dumps(rescorer.as_dict())))
    assert again == rescorer
    tagger = RescoredTagger(again, "p12v3")
    assert f"{tagger.name}@{tagger.version}" == f"{RULES_ID}+p12v3"
    text = corpus(5)[4]["text"]
    assert tagger.tag(text) == rescorer.apply(prepare(text))


def test_extras_skipped_as_hopeless_would_not_have_been_shown():
    rescorer = train(articles(12)).rescorer
    for record in corpus(20)[12:]:
        text = record["text"] + " Lorem surely ipsum may rise, officials said the deal fails."
        everything = rescorer.apply(prepare(text))
        assert RescoredTagger(rescorer, "p1v1").tag(text) == everything
        built = prepare(text, rescorer.labels.keys(), rescorer.could_add)
        assert len(built) < len(prepare(text))  # and fewer were built


@pytest.mark.parametrize(("score", "probability"), [(0.0, 0.5), (-100.0, 0.0), (100.0, 1.0)])
def test_sigmoid_has_no_overflow(score, probability):
    assert sigmoid(score) == pytest.approx(probability)
