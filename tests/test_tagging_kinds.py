"""Kinds of failure seen on unseen articles, each with texts written here for the kind."""

from __future__ import annotations

import pytest

from articles.tagging.rules import RulesTagger

tagger = RulesTagger()


def labelled(text: str, label: str) -> list[tuple[str, dict]]:
    return [(text[s.start : s.end], s.attrs) for s in tagger.tag(text) if s.label == label]


def quotes(text: str) -> dict[str, str]:
    return {content: attrs["speaker"] for content, attrs in labelled(text, "quote")}


# --- quoted terms and scare quotes ---------------------------------------------------------


def test_short_words_are_a_quote_when_a_reporting_clause_takes_them():
    text = '"Not again," the goalkeeper sighed. "We lost," said the coach.'
    assert quotes(text) == {"We lost": "the coach"}
    assert quotes('The minister branded the report "deeply flawed" on Tuesday.') == {
        "deeply flawed": "The minister"
    }


@pytest.mark.parametrize(
    "text",
    [
        'The "experts" on the panel have never visited the reservoir.',
        'Readers can press the "share" button below each post to send it on.',
        'The press office spoke of "alternative facts" when the crowd figures came out.',
        "Her so-called “rescue plan” says nothing about the pension fund.",
        "The tenants were told to wait for a “final decision” on the rent.",
    ],
)
def test_quoted_terms_are_not_quotes_and_lend_no_speaker(text):
    assert labelled(text, "quote") == []


def test_speaker_is_a_noun_phrase_not_a_clause_fragment():
    text = (
        '"The ferry will run twice a day from May," the harbour master said.\n'
        '"Keep off the pier during storms," is what the notice told visitors last winter.'
    )
    found = quotes(text)
    assert found["The ferry will run twice a day from May"] == "the harbour master"
    assert found["Keep off the pier during storms"] == ""


def test_title_abbreviations_stay_in_the_speaker():
    text = '"The vote was rigged," Mr. Okafor said on Sunday.'
    assert quotes(text) == {"The vote was rigged": "Mr. Okafor"}


# --- reported speech by organisations, documents and studies ---------------------------------


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "The ministry reports that hospital waiting lists grew by a tenth this spring.",
            "hospital waiting lists grew by a tenth this spring",
            "The ministry",
        ),
        (
            "The agency estimated that the cleanup will take another four years.",
            "the cleanup will take another four years",
            "The agency",
        ),
        (
            "A survey found that most commuters would switch to the tram if it ran later.",
            "most commuters would switch to the tram if it ran later",
            "A survey",
        ),
        (
            "The regulator suggests that household energy bills rise again in October.",
            "household energy bills rise again in October",
            "The regulator",
        ),
        (
            "As the auditors noted in their letter, the council never priced the repairs.",
            "the council never priced the repairs",
            "the auditors",
        ),
        (
            "The governor defended the budget, saying it would protect the rural schools.",
            "it would protect the rural schools",
            "The governor",
        ),
    ],
)
def test_reported_speech_of_organisations_documents_and_studies(text, content, speaker):
    assert quotes(text) == {content: speaker}
    # What the source reports is a claim about the report, not the author's hedge.
    assert labelled(text, "speculation") == []


def test_bare_reporting_verb_takes_any_content_clause_but_not_a_phrase():
    assert quotes("Okonkwo said local clinics should stay open at weekends.") == {
        "local clinics should stay open at weekends": "Okonkwo"
    }
    assert quotes("The chairman said goodbye to the staff after twenty years in charge.") == {}


def test_the_authors_own_research_and_bare_evidence_do_not_speak():
    text = "Our research suggests that the lake warms faster than the sea."
    assert labelled(text, "quote") == []
    assert [a["cue"] for _, a in labelled(text, "speculation")] == ["suggests"]


# --- hedges that are not speculation ---------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Cyclists are more likely to be injured at junctions than on open roads.",
        "Renters were the group most likely to move within a year.",
        "The team could show that the new dressing halves infection rates.",
        "The fire brigade could not confirm how the blaze began.",
        "The survey asked residents what would help them most during floods.",
    ],
)
def test_findings_abilities_and_embedded_questions_are_claims(sentence):
    assert labelled(sentence, "speculation") == []
    assert [c for c, _ in labelled(sentence, "claim")] == [sentence]


def test_a_modal_inside_a_direct_quote_is_the_speakers():
    text = '"The dam might give way in a storm," the engineer warned. The storm came in June.'
    assert labelled(text, "speculation") == []
    assert quotes(text) == {"The dam might give way in a storm": "the engineer"}


def test_author_hedges_stay_speculation():
    text = "The council could still reverse the decision, and the ferry would then stop."
    assert [a["cue"] for _, a in labelled(text, "speculation")] == ["could"]


# --- quotation marks at span edges -----------------------------------------------------------


def test_sentence_spans_keep_both_marks_or_neither():
    text = (
        '"Nobody warned us about the closure," the shop owner said on Friday. '
        "The city had promised to keep the road “open at all times.”"
    )
    claims = [c for c, _ in labelled(text, "claim")]
    assert claims == [
        '"Nobody warned us about the closure," the shop owner said on Friday.',
        "The city had promised to keep the road “open at all times.”",
    ]
    marks = set('"“”')
    for claim in claims:
        assert sum(c in marks for c in claim) % 2 == 0


def test_a_sentence_wholly_inside_a_quotation_has_no_marks():
    text = "“The tunnel is finished. It opens on Monday.” The mayor was pleased."
    claims = [c for c, _ in labelled(text, "claim")]
    assert claims[0] == "The tunnel is finished."
    assert "”" not in claims[1] and "“" not in claims[1]


# --- author bios and disclaimers -------------------------------------------------------------


def test_author_notes_and_disclosures_are_never_claims():
    text = (
        "The harbour reopened after three months of dredging.\n"
        "— The author is a former port engineer and writes about shipping.\n"
        "About the author: Lena Brandt covers maritime trade.\n"
        "Lena Brandt receives funding from the Coastal Research Council.\n"
        "Lena Brandt does not work for, consult, own shares in or receive funding from any "
        "company that would benefit from this article.\n"
        "The opinions expressed in this column are the author's alone."
    )
    assert [c for c, _ in labelled(text, "claim")] == [
        "The harbour reopened after three months of dredging."
    ]
    assert labelled(text, "speculation") == []


def test_party_in_brackets_stays_with_the_speaker_and_right_mark_opening():
    text = (
        '"Budgets are choices," said the committee chair Sen. Mara Holt (D-Ore.) on Monday.\n'
        "”Nobody here voted for the closure of the clinic.” The protest went on."
    )
    found = quotes(text)
    assert found["Budgets are choices"] == "Sen. Mara Holt (D-Ore.)"
    assert "Nobody here voted for the closure of the clinic." in found
