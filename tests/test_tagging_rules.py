# ruff: noqa: RUF001  (typographic quote marks are the test data)
"""The offline rules tagger on texts written here: quotes, speakers, hedges, claims, offsets."""

from __future__ import annotations

import itertools

import pytest

from articles.tagging import get_tagger
from articles.tagging.rules import RulesTagger

tagger = RulesTagger()


def spans(text: str, label: str) -> list[tuple[str, dict]]:
    return [(text[s.start : s.end], s.attrs) for s in tagger.tag(text) if s.label == label]


def speakers(text: str) -> dict[str, str]:
    """Quoted text -> speaker."""
    return {content: attrs["speaker"] for content, attrs in spans(text, "quote")}


@pytest.mark.parametrize(
    ("opening", "closing"),
    [('"', '"'), ("“", "”"), ("«", "»")],
    ids=["straight", "curly", "guillemets"],
)
def test_direct_quote_without_marks_and_joining_comma(opening, closing):
    text = f"{opening}We will rebuild the bridge by spring,{closing} said Maria Costa on Monday."
    at = text.index("Maria")
    assert spans(text, "quote") == [
        (
            "We will rebuild the bridge by spring",
            {"speaker": "Maria Costa", "direct": True, "speaker_start": at, "speaker_end": at + 11},
        )
    ]


def test_speaker_before_colon_and_multi_sentence_quote():
    text = 'The minister told the committee: "Prices will fall. We have a plan for it."'
    [(content, attrs)] = spans(text, "quote")
    assert content == "Prices will fall. We have a plan for it."
    assert attrs["speaker"] == "The minister"
    assert attrs["direct"] is True


def test_quote_running_over_paragraphs():
    text = (
        '"The first paragraph of the statement goes on without a closing mark.\n'
        '"The second paragraph closes the statement," the mayor said.'
    )
    [(content, attrs)] = spans(text, "quote")
    assert content.startswith("The first paragraph")
    assert content.endswith("closes the statement")
    assert attrs["speaker"] == "the mayor"


def test_scare_quotes_and_titles_are_not_quotes():
    text = 'The so-called "reform" changed little. She reviewed "The Long Winter Road" last year.'
    assert spans(text, "quote") == []


def test_indirect_quote_after_reporting_verb_without_that():
    text = "The company announced that it would close two factories next year."
    [(content, attrs)] = spans(text, "quote")
    assert content == "it would close two factories next year"
    assert attrs == {
        "speaker": "The company",
        "direct": False,
        "speaker_start": 0,
        "speaker_end": 11,
    }
    # A modal inside someone's reported statement does not make the author speculate.
    assert spans(text, "speculation") == []
    assert [c for c, _ in spans(text, "claim")] == [text]


def test_according_to_and_characterized_as():
    text = (
        "According to the police, three people were injured in the crash. "
        "The senator characterized the bill as a gift to large landlords."
    )
    quotes = spans(text, "quote")
    assert ("three people were injured in the crash", "the police") in [
        (c, a["speaker"]) for c, a in quotes
    ]
    assert ("a gift to large landlords", "The senator") in [(c, a["speaker"]) for c, a in quotes]


def test_first_person_is_not_reported_speech():
    assert spans("We estimate that the river rose by two metres overnight.", "quote") == []


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("The talks may collapse before the summer.", "may"),
        ("Perhaps the council will change its mind.", "Perhaps"),
        ("I do not rule out that the vote is delayed again.", "I do not rule out"),
        ("It seems to me that the plan is already failing.", "It seems to me"),
        ("The figures suggest the economy is slowing down.", "suggest"),
        ("Inflation is probably higher than reported.", "probably"),
    ],
)
def test_hedges_are_speculation_with_cue(sentence, cue):
    assert spans(sentence, "speculation") == [(sentence, {"cue": cue})]
    assert spans(sentence, "claim") == []


def test_sentence_split_where_claim_joins_speculation():
    text = "The bridge opened in 2019, but it might close again next winter."
    assert spans(text, "claim") == [("The bridge opened in 2019,", {})]
    assert spans(text, "speculation") == [
        ("but it might close again next winter.", {"cue": "might"})
    ]


def test_open_question_about_the_future_is_speculation():
    text = "The real test is whether the ceasefire will hold through the spring."
    assert spans(text, "speculation") == [(text, {"cue": "whether"})]


def test_questions_headings_bylines_and_disclaimers_are_not_claims():
    text = (
        "Storm season\n"
        "By Jane Porter\n"
        "The storm flooded forty homes on Friday.\n"
        "Why did nobody warn the residents?\n"
        "Read the full report before you judge.\n"
        "The editorial team does not always share the opinions expressed by authors.\n"
        "Jane Porter is a journalist covering climate policy."
    )
    assert [c for c, _ in spans(text, "claim")] == ["The storm flooded forty homes on Friday."]


def test_offsets_are_code_points_after_emoji():
    text = '🌍🔥 Residents said that the water was unsafe. "We are scared," said Ana Lima.'
    claims = [s for s in tagger.tag(text) if s.label == "claim"]
    quote = next(s for s in tagger.tag(text) if s.label == "quote" and s.attrs["direct"])
    assert text[quote.start : quote.end] == "We are scared"
    assert text[quote.attrs["speaker_start"] : quote.attrs["speaker_end"]] == "Ana Lima"
    assert text[claims[0].start : claims[0].end] == "Residents said that the water was unsafe."


def test_same_label_never_overlaps_and_output_is_deterministic():
    text = (
        'Officials said that "the dam is safe, and it will hold," according to the report. '
        "It may rain. It may rain again, and it could flood."
    )
    first, second = tagger.tag(text), tagger.tag(text)
    assert first == second
    for label in ("claim", "quote", "speculation"):
        items = sorted((s.start, s.end) for s in first if s.label == label)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(items))
    for s in first:
        assert text[s.start : s.end] == text[s.start : s.end].strip()


def test_registry_returns_rules_by_name():
    assert get_tagger("rules").version == RulesTagger.version


def test_reported_speech_without_that_and_after_the_content():
    text = (
        "Mayor Ines Duarte said the new tram line will open in October. "
        "The budget is already spent, the city treasurer warned on Friday."
    )
    assert speakers(text) == {
        "the new tram line will open in October": "Mayor Ines Duarte",
        "The budget is already spent": "the city treasurer",
    }


def test_pronoun_speaker_is_the_nearest_preceding_attribution():
    text = (
        '"We will appeal," said Karin Olsen, the union leader. '
        'Later she was firmer. "The court got it wrong," she said.'
    )
    quotes = spans(text, "quote")
    assert [(c, a["speaker"]) for c, a in quotes] == [
        ("We will appeal", "Karin Olsen"),
        ("The court got it wrong", "Karin Olsen"),
    ]
    named = text.index("Karin")
    assert quotes[1][1]["speaker_start"] == named


def test_single_curly_marks_and_apostrophes():
    text = (
        "‘We have no money left for the pool,’ the council leader said on Monday. "
        "The players’ union disagreed, and the club’s owner stayed silent."
    )
    quotes = spans(text, "quote")
    assert [(c, a["speaker"]) for c, a in quotes] == [
        ("We have no money left for the pool", "the council leader")
    ]
    assert [c for c, _ in spans(text, "claim")][1].startswith("The players’ union")


def test_present_tense_reporting_and_hypothetical_verbs():
    text = (
        "Some economists argue that the plan is far too ambitious. "
        "Ministers insist the shortfall is only temporary. "
        "The question is whether the minister will acknowledge that the target was missed."
    )
    assert speakers(text) == {
        "the plan is far too ambitious": "Some economists",
        "the shortfall is only temporary": "Ministers",
    }


def test_direct_quote_inside_reported_speech_takes_its_speaker():
    text = (
        'In 2021, Dr. J. Smith of the U.S. Treasury wrote that such deals "rarely pay for '
        'themselves." The author is a former city councillor.'
    )
    [(content, attrs)] = spans(text, "quote")
    assert content == "rarely pay for themselves."
    assert attrs["speaker"] == "Dr. J. Smith"
    # The claim holds the quotation's opening mark, so it keeps its closing one too.
    assert [c for c, _ in spans(text, "claim")] == [text[: text.index('." The author') + 2]]


# --- styles not in the development set -------------------------------------------------------

OP_ED = (
    "Why the housing levy deserves a second look\n"
    "By Jane Doe\n"
    "The levy could raise £2bn a year. It is unclear whether councils would spend it on new "
    "homes. Critics point to the last scheme, which collapsed in 2019.\n"
    "Ministers have not published the impact assessment. Is that really the best way to "
    "govern?\n"
    "Jane Doe is a professor of urban economics at the University of Leeds.\n"
    "The views expressed in this article are the author's own."
)


def test_policy_op_ed_hedges_and_furniture():
    """Hedged sentences are speculation ("can" is not a hedge); headline, byline, question,
    bio and disclaimer get no label."""
    labelled = {
        text: label
        for label in ("claim", "quote", "speculation")
        for text, _ in spans(OP_ED, label)
    }
    assert labelled == {
        "The levy could raise £2bn a year.": "speculation",
        "It is unclear whether councils would spend it on new homes.": "speculation",
        "Critics point to the last scheme, which collapsed in 2019.": "claim",
        "Ministers have not published the impact assessment.": "claim",
    }
    cues = [a["cue"] for _, a in spans(OP_ED, "speculation")]
    assert cues[0] == "could" and cues[1].lower().startswith("it is unclear")


def test_straight_single_quotes_british_style():
    text = (
        "'We will not be rushed into a decision,' said the minister. 'The figures simply "
        "do not add up.'\n"
        "The transport secretary said: 'Nobody wants another year of strikes.'\n"
        "The players' union stayed away, and fans of the '90s side didn't complain."
    )
    assert speakers(text) == {
        "We will not be rushed into a decision": "the minister",
        "The figures simply do not add up.": "the minister",
        "Nobody wants another year of strikes.": "The transport secretary",
    }


def test_colon_introduction_and_he_added():
    text = (
        'The chief executive put it plainly: "We made mistakes and we will fix them." '
        'He added that the board had approved the plan.\n"The budget is tight," he said.'
    )
    quotes = spans(text, "quote")
    assert [(c, a["speaker"], a["direct"]) for c, a in quotes] == [
        ("We made mistakes and we will fix them.", "The chief executive", True),
        ("the board had approved the plan", "The chief executive", False),
        ("The budget is tight", "The chief executive", True),
    ]
    assert quotes[0][1]["speaker_start"] == text.index("The chief")


def test_multi_paragraph_quote_continues_after_an_open_paragraph():
    text = (
        '"The river has flooded three times in ten years," said Maria Lopez.\n'
        '"Each time the council promised a wall. Each time nothing happened.\n'
        '"We are tired of promises."'
    )
    assert speakers(text) == {
        "The river has flooded three times in ten years": "Maria Lopez",
        "Each time the council promised a wall. Each time nothing happened.\n"
        '"We are tired of promises.': "Maria Lopez",
    }


def test_short_phrase_is_a_quote_when_someone_used_it():
    text = (
        'The mayor called the plan "a disaster" in an interview on Sunday. '
        'Supporters describe the so-called "reform" as overdue, and the "new deal" is popular. '
        'The company called it "Project Blue".'
    )
    assert speakers(text) == {"a disaster": "The mayor"}


def test_apposition_after_the_speaker_and_a_clause_after_said():
    text = "Anna Berg, a spokeswoman for the ministry, said the talks would resume in May."
    quotes = spans(text, "quote")
    assert [(c, a["speaker"], a["speaker_start"]) for c, a in quotes] == [
        ("the talks would resume in May", "Anna Berg", 0)
    ]
    assert spans(text, "speculation") == []


def quotes(text: str) -> list[tuple[str, str]]:
    """(reported words, speaker) of each quote, in text order."""
    return [(content, attrs["speaker"]) for content, attrs in spans(text, "quote")]


def test_auxiliaries_and_adverbs_between_speaker_and_verb():
    assert quotes("Kelly has long said that the bridge toll pays for the repairs.") == [
        ("the bridge toll pays for the repairs", "Kelly")
    ]
    assert quotes("The union privately argued that, if talks fail, a strike would follow.") == [
        ("if talks fail, a strike would follow", "The union")
    ]


def test_groups_of_people_and_people_named_by_what_they_are():
    text = "Though the numbers are small, analysts say they point to a slowing economy."
    assert quotes(text) == [("they point to a slowing economy", "analysts")]
    text = "A former deputy mayor of the northern city says the budget was never balanced."
    assert quotes(text) == [("the budget was never balanced", "A former deputy mayor")]
    # A lower-case word that is not a plural noun is no speaker.
    assert quotes("Whatever happens, everything said here stays secret among us.") == []


def test_the_name_speaks_on_either_side_of_an_apposition():
    text = "Jo Roe, Democrat of Ohio, said the vote had been rushed through the night."
    assert quotes(text) == [("the vote had been rushed through the night", "Jo Roe")]
    text = "In a statement, the ministry's spokeswoman, Anna Berg, said the border would stay open."
    assert quotes(text) == [("the border would stay open", "Anna Berg")]


def test_a_reporting_clause_between_commas_leaves_two_spans():
    text = "The new tax, the minister said, will be cut in half by next spring."
    assert quotes(text) == [
        ("The new tax", "the minister"),
        ("will be cut in half by next spring", "the minister"),
    ]
    # A connective is not reported content.
    text = "But, the minister said, nobody in the cabinet had read the report."
    assert quotes(text) == [("nobody in the cabinet had read the report", "the minister")]


def test_speaker_after_the_words_with_what_they_are():
    assert quotes("Prices will keep rising all year, said Ana Ruiz, an economist at the bank.") == [
        ("Prices will keep rising all year", "Ana Ruiz")
    ]
    text = '"We are not leaving this square," Lena Park, 34, told the crowd.'
    assert quotes(text) == [("We are not leaving this square", "Lena Park")]


def test_direct_quotes_signed_by_a_dash_or_reported_by_a_speech_verb():
    text = "Readers wrote to us.\n\n“Nobody asked the people who live here.” ― Tomas Weber"
    assert quotes(text) == [("Nobody asked the people who live here.", "Tomas Weber")]
    text = '"Why is the hospital closing now, of all times?" the senator demanded.'
    assert quotes(text) == [("Why is the hospital closing now, of all times?", "the senator")]
