# ruff: noqa: RUF001, RUF003  (typographic quote marks and dashes are the point here)
"""The default offline tagger: regular expressions over sentences, linear in the text.

Labels follow the guidelines (articles/guidelines.md):

- quote: words between quotation marks (straight, curly, guillemets, doubled apostrophes; a
  quote may run over sentences and, when a paragraph opens with a mark left unclosed and the
  next one opens with a mark, over paragraphs), and indirect speech after a reporting verb
  ("X said that …", "X said the plan failed", "…, X said", "X characterized Y as …",
  "according to X", "as X noted, …", "…, saying that …"), including organisations,
  documents and studies that report, estimate or find ("a survey found that …"). A few
  quoted words are a quote only when a reporting clause takes them ('"Not again," she said')
  or a naming verb puts them in someone's mouth (called it "a disaster"): scare quotes,
  quoted terms and titles are not, and never borrow a speaker. A speaker is a noun phrase.
- speculation: a clause with a hedge cue (modal, hedging verb or adverb, epistemic frame,
  open question about the future) in the author's voice: not inside a direct quote or
  reported content, not "more likely to" (a finding), "could show" (past ability) or
  "what would help" (an embedded question).
- claim: any other declarative sentence, except questions, imperatives, headings, bylines,
  author notes, bios, disclosures and disclaimers. A sentence that joins a claim and a
  speculation at a clause boundary (", but", ", and", ";", a dash) is split there. A span
  keeps both quotation marks of a quotation it starts or ends inside, or neither.

Each suggestion records the rule and cue that produced it (``candidates``); ``tag`` then
sets its confidence from the fitted calibration table (``calibration``).

Nothing here is fitted to particular articles: the word lists are general English.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from articles.tagging.base import Suggestion
from articles.tagging.calibration import calibrate
from articles.tagging.features import HEDGE_ADVERBS, speaker_kind
from articles.tagging.segment import Paragraph, paragraphs

OPENERS = {'"': '"', "“": "”", "«": "»", "„": "“"}
CLOSERS = {'"', "”", "»", "“"}
QUOTE_CHARS = '"“”«»„'
# Single curly marks (British style) quote too; ’ doubles as an apostrophe, so it closes
# only before a non-letter.
# Straight single marks ('…', said the minister) too, with the same apostrophe care; an
# unclosed one never carries into the next paragraph ("the '90s").
# Two apostrophes stand for a double mark in some newswire text (''like this'').
ALL_OPENERS = {**OPENERS, "''": "''", "‘": "’", "'": "'"}
SINGLE_CLOSERS = ("’", "'")
MARK_CHARS = QUOTE_CHARS + "‘’'"
_MARK = re.compile("''|[" + re.escape(MARK_CHARS) + "]")

REPORTING_VERBS = (
    "said|says|say|told|tells|tell|stated|states|state|emphasi[sz]ed|emphasi[sz]es|explained|"
    "explains|added|adds|noted|notes|announced|announces|reported|reports|claimed|claims|"
    "argued|argues|insisted|insists|warned|warns|promised|promises|estimated|estimates|"
    "estimate|suggested|suggests|suggest|confirmed|confirms|declared|declares|asserted|"
    "asserts|acknowledged|acknowledges|admitted|admits|denied|denies|wrote|writes|predicted|"
    "predicts|stressed|stresses|pointed out|points out|replied|replies|answered|answers|"
    "observed|observes|commented|comments|maintained|maintains|concluded|concludes|"
    "revealed|reveals|assured|assures|vowed|vows|recalled|recalls|conceded|concedes|"
    "contended|contends|alleged|alleges|testified|testifies|tweeted|tweets|disclosed|"
    "discloses|reiterated|reiterates|underlined|underlines|highlighted|highlights|"
    "informed|informs|remarked|remarks|responded|responds|agreed|agrees|believes|"
    "argue|insist|warn|claim|note|add|explain|stress|contend|maintain|admit|acknowledge|"
    "report|predict|assert|allege|concede|point out"
)
# One character of a noun phrase: no clause punctuation, but the full stop of a title or an
# initial ("Mr. Obama", "Rep. G.K. Butterfield") belongs to the name.
_NP_CHAR = (
    r"(?:(?:Mr|Mrs|Ms|Dr|Rep|Sen|Gov|Gen|Prof|Rev|Lt|Col|Capt|Sgt|Jr|Sr|St|[A-Z])\.(?=\s?\w)"
    r"|\.(?=\))|[^,.;:!?\"“”«»])"
)
_CAPITALISED = r"[A-Z][\w'’.-]*"  # a word of a name: "O'Neill", "J.", "Smith-Jones"
# Verbs that report spoken words but not a content clause: beside a quote only.
_SPEECH_VERBS = (
    "asked|asks|demanded|demands|continued|continues|shouted|shouts|chanted|chants|sang|"
    "sings|exclaimed|wondered|quipped|joked|jokes|recounted|boasted|boasts|screamed|yelled|"
    "whispered|interjected|countered|counters|retorted|cautioned|urged|urges|pleaded"
)
_QUOTE_VERBS = REPORTING_VERBS + "|" + _SPEECH_VERBS
# After the closing mark: 'said Jo Roe', 'Jo Roe said', 'Jo Roe, 25, said', 'Jo Roe, a
# nurse, told me' (the name before the apposition), '― Jo Roe' (a dash signs the words).
_REPORT_AFTER_QUOTE = re.compile(
    r"^[\s,]*(?:(?P<verb1>" + _QUOTE_VERBS + rf")\s+(?P<np1>{_NP_CHAR}+)"
    rf"|(?P<np2>{_NP_CHAR}+?)(?:,\s[^,.;:!?\"“”«»]{{1,100}},)?\s+(?:" + _QUOTE_VERBS + r")\b"
    rf"|[―—]\s*(?P<np3>{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,4}})(?![\w'’-]))",
)
_REPORT_VERB = re.compile(r"\s(?:" + _QUOTE_VERBS + r")\b")
_REPORT_TAIL = re.compile(r"(?:[^.!?\"“”«»]|\.(?=\S)|(?<=[A-Z])\.){0,120}?[:,.]\s*")
_NP_BEFORE = re.compile(rf"{_NP_CHAR}+$")
# A sentence whose subject introduces a quote with a colon: the subject (a name, or "the" and
# up to four words), an optional adverb, a past-tense verb, then no sentence end until ":".
_COLON_INTRO = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=[.!?][\"”»’']\s))"
    rf"(?P<np>{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}}|"
    r"(?:The|A|An|His|Her|Their|Its)\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+)"
    r"\s+(?:\w+ly\s+)?(?:put|summed|spelled|spelt|offered|gave|had|issued|sounded|struck|"
    r"[a-z]+ed)\b[^.!?\"“”«»]{0,100}:\s*$",
    re.MULTILINE,
)
# Verbs that put words in someone's mouth right before a short quoted phrase: "X called the
# plan "a disaster"", "X dismissed it as "deeply flawed"" ("so-called" is not one).
_NAMING_VERB = re.compile(
    r"(?<![-\w])(?:called|calls|call|labell?ed|labels|branded|brands|termed|terms|dubbed|"
    r"dubs|described|describes|dismissed|dismisses|denounced|denounces|condemned|condemns|"
    r"(?:likened|likens|compared|compares)\s+(?:\w+\s+){0,4}?to|"
    r"(?:used|uses|use|using|coined|coins|repeated|repeats)\s+the\s+(?:phrase|term|words?|"
    r"expression|slogan))"
    r"(?:\s+(?:\w+\s+){0,4}?as)?\s+(?:(?:it|this|that|him|her|them|(?:the|a|an|his|her|"
    r"their|its)\s+(?:[\w-]+\s+){0,2}?[\w-]+)\s+(?:as\s+)?)?$"
)
# "X said that …", "X told reporters that …", "X says the …" (only with that, to stay precise)
_INDIRECT = re.compile(
    r"\b(?P<verb>" + REPORTING_VERBS + r")(?:\s+(?:\w+\s+){0,3}?)?\s*(?:,\s*)?\bthat,?\s+",
)
# "X said the plan failed", "X told reporters the plan failed": no "that", so only the verbs
# that nearly always introduce speech, and a clause that starts like one.
_BARE_VERBS = (
    r"said|says|told\s+(?:\w+\s+){0,2}?(?:reporters|journalists|lawmakers|parliament|"
    r"the\s+\w+|\w+)|added|argued|warned|claimed|insisted|stressed|explained|wrote|writes|"
    r"say|argue|insist|warn|claim|adds|argues|warns|claims|insists|stresses|explains"
)
_INDIRECT_BARE = re.compile(r"\b(?P<verb>" + _BARE_VERBS + r")\s+(?=[\w'’])")
# The content clause after a bare reporting verb has a finite verb of its own within a few
# words ("said the plan had failed"), unlike "said goodbye", "said in a statement".
_CLAUSE_VERB = re.compile(
    r"(?!(?:in|on|at|during|after|before|to|that|so|nothing|something|goodbye|yes|no)\b)"
    r"(?:[\w'’.,-]+\s+){0,8}?(?:is|are|was|were|had|has|have|would|will|could|can|should|"
    r"must|did|does|do|may|might|[a-z]+ed|[a-z]+n['’]t|"
    r"(?:he|she|it|there|this|that|who)\s+[a-z]+s|"
    # a clause that opens with a subject pronoun: "say it's too early", "say they plan to"
    r"(?<!\w)(?:(?:he|she|it|there|that)['’](?:s|d|ll)|(?:he|she|they|we|i|you)"
    r"(?:['’](?:re|ve|d|ll))?\s+[a-z]+))\b"
)
# A one-word source in lower case is a group of people ("experts say", "officials said"), not
# a fragment ("everything said"): a plural noun.
_PLURAL_SOURCE = re.compile(r"[a-z]{3,}(?<!ss)(?<!ous)(?<!its|has|was|his)(?<!thu)s")
# "Anna Berg, a spokeswoman for the ministry, said …", "Jo Roe, Democrat of Ohio, said …"
# (the name, then what she is), and "the ministry's spokeswoman, Anna Berg, said …" (what
# she is, then the name): the name speaks. Anchored at the end of what precedes the verb.
_DESCRIPTION = r"(?:(?:an?|the|who|one|[a-z][\w'’-]*)\s[^,]{2,120}|[A-Z][a-z]+\s+of\s[^,]{2,80})"
_APPOSITIVE_SUBJECT = re.compile(
    rf"(?:^|(?<=,\s))(?:(?P<np>{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}}(?:\s\([^()]{{1,20}}\))?)"
    rf",\s+{_DESCRIPTION}"
    rf"|(?:[Tt]he|[Aa]n?|[Oo]ne|[A-Z][\w'’-]*['’]s)\s[^,]{{2,120}},\s+"
    rf"(?P<np2>{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}})),$"
)
# '<content>, the minister said.' / '<content>, said the minister.'
_POSTPOSED = re.compile(
    rf",\s+(?:(?P<np1>{_NP_CHAR}{{2,80}}?)\s+(?:has\s+|have\s+)?(?:said|says|added|argued|"
    r"warned|claimed|insisted|explained|noted|stressed|wrote|writes|reported|reports|"
    r"told\s+[^,.;:!?]{1,40})"
    r"|(?:said|says|added|argued|warned|claimed|insisted|explained|noted|stressed)\s+"
    # a speaker after the verb has no verb of its own ("said the talks would resume")
    r"(?![^,.;:!?]*\b(?:would|will|could|may|might|should|can|must|is|are|was|were|has|"
    # and starts like a noun phrase ("said the minister", not "said parents want …")
    r"have|had)\b)(?=(?:the|a|an|his|her|their|its|one|[A-Z])\w*\b)"
    rf"(?P<np2>{_NP_CHAR}{{2,80}}?))"
    r"(?:\s+(?:on|in|at|during|after|before|last|this|late|early)\s+[^,.;:!?]{1,40}|"
    r"\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|"
    r"today)(?:\s+\w+)?)?"
    r"(?:[.!]?[\"”»’]?$|,\s+(?:adding|saying|as|while|and|but|according|citing|calling|"
    r"arguing|noting|pointing|referring|speaking|who|since|because|although|though|when)\b"
    # '…, said Jo Roe, a lawyer for the family.': what the speaker is, to the end
    r"|,\s+(?:an?|the|one)\s[^,.;:!?]{2,120}(?:,[^,.;:!?]{2,80})?[.!]?[\"”»’]?$)"
)
# 'The plan, he said, will fail': a reporting clause between commas inside the content.
_PARENTHETICAL = re.compile(
    rf",\s+(?P<np>(?:[A-Z]|he\b|she\b|they\b|the\b){_NP_CHAR}{{0,60}}?)\s+(?:has\s+|have\s+)?"
    r"(?P<verb>said|says|added|argued|warned|claimed|insisted|explained|noted|stressed|"
    r"wrote|writes|told\s+(?:me|us|him|her|reporters|[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,3}))"
    r"(?:\s+(?:on|in|at|last|this)\s+[^,.;:!?]{1,30})?,\s+"
)
_LEAD_ONLY = re.compile(r"(?:and|but|so|yet|or|perhaps|still|then|now|also|however)", re.I)
_POST_HINT = re.compile(
    r"\b(?:said|says|added|argued|warned|claimed|insisted|explained|noted|stressed|wrote|"
    r"writes|told)\b"
)
_UNREAL_BEFORE = re.compile(
    r"(?:\b(?:will|would|could|may|might|should|must|can|cannot|to|not|never|did|does|do)"
    r"|n['’]t)\s+$|^\s*(?:whether|if|unless)\b",
    re.IGNORECASE,
)
PRONOUNS = {"he", "she", "they", "him", "her", "them"}
# Quoted words up to this many that do not end a sentence are a term, not a quote, unless a
# naming verb puts them in someone's mouth.
SHORT_PHRASE_WORDS = 4
_CHARACTERIZED = re.compile(
    r"\b(?:characteri[sz]ed|characteri[sz]es|described|describes|portrayed|portrays|"
    r"called|calls|branded|brands|labell?ed|labels|dismissed|dismisses|referred to)\b"
    r"(?P<object>[^.!?;]*?)\bas\s+(?=\w)"
)
# Verbs by which organisations, documents and studies report ("a survey found that …", "the
# agency estimated that …"): reported speech only with such a subject and "that".
_FINDING = re.compile(
    r"\b(?P<verb>found|finds|find|showed|shows|show|shown|concluded|concludes|determined|"
    r"determines|revealed|reveals|estimated|estimates|estimate|projected|projects|forecast|"
    r"forecasts|calculated|calculates|indicated|indicates|suggested|suggests|suggest|reported|"
    r"reports|warned|warns|noted|notes|stated|states|argued|argues|said|says|confirmed|"
    r"confirms|ruled|rules|announced|announces|acknowledged|acknowledges)"
    r"(?:\s+(?:\w+\s+){0,3}?)?\s*(?:,\s*)?\bthat\s+"
)
# "As the minister said, …", "As the report notes, …": the content follows the comma.
_AS_SAID = re.compile(
    rf"^(?:But\s+|And\s+)?[Aa]s\s+(?P<np>{_NP_CHAR}{{2,80}}?)\s+(?:has\s+|have\s+|had\s+)?"
    r"(?P<verb>said|says|noted|notes|put it|puts it|wrote|writes|reported|reports|argued|argues|"
    r"observed|observes|explained|explains|pointed out|points out|stated|states|warned|warns|"
    r"told\s+\w+|suggested|suggests|found|shows|showed|concluded|concludes)"
    r"(?:\s+(?:in|on|at|last|this)\s+[^,]{1,40})?,\s+"
)
# ", saying that …", ", adding that …": the subject of the sentence speaks.
_PARTICIPLE = re.compile(
    r",\s+(?P<verb>saying|adding|arguing|warning|claiming|insisting|noting|stressing|"
    r"explaining|suggesting|asserting|declaring|acknowledging|conceding|predicting)"
    r"\s+(?:that\s+)?"
)
_SUBJECT_NAME = re.compile(
    rf"^(?:(?:{_CAPITALISED}\s+){{0,3}}{_CAPITALISED}|He|She|They|"
    r"(?:The|A|An)\s+(?:[a-z][\w'’-]*\s+){0,2}[a-z][\w'’-]*)(?=\s+(?:\w+ly\s+)?"
    r"(?:said|says|told|tells|wrote|writes|added|argued|warned|spoke|took|went|"
    r"[a-z]+ed|[a-z]+s)\b)"
)
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+(?P<np>(?:[^,.;:!?\"“”«»]|\.(?=\w))+)(?P<sep>[,.;]?)")
# Subjects that are not a speaker: the author (I, we, our own study), an empty "it", or
# bare evidence ("research suggests" is a hedge, not someone speaking). A named survey,
# report or study, or an organisation, does speak ("a survey found that …").
_NON_SPEAKER_SUBJECT = re.compile(
    r"^(?:i|we|you|one|it|this|that|there|research|studies|data|evidence|results|"
    r"findings|analysis|the (?:data|evidence|research|results|findings|analysis)|"
    r"(?:our|my|this|recent|new) (?:research|study|studies|data|analysis|findings|results))$",
    re.IGNORECASE,
)
_LEADING_JUNK = re.compile(
    r"^(?:(?:and|but|so|yet|or|then|also|now|however|moreover|meanwhile|instead|still|"
    r"in fact|as|while|when|because|although|since|for example|for instance|"
    r"in \d{4}|on \w+day|last \w+|recently|previously|later|earlier|initially|"
    r"finally|indeed|thus|therefore)\b[\s,]*)+",
    re.IGNORECASE,
)
_TRAILING_ADVERB = re.compile(
    r"(?:\s+(?:now|also|recently|previously|then|later|earlier|once|often|still|already|"
    r"clearly|repeatedly|publicly|himself|herself|themselves|itself|has|have|had|was|were|"
    r"is|are|will|would|did|does|do|has been|have been|long|again|first|both|all|"
    # an adverb in lower case ("privately", "flatly"); a name may end in -ly ("Kelly")
    r"(?-i:[a-z]{2,}ly)))+$",
    re.IGNORECASE,
)
_RELATIVE_APPOSITION = re.compile(r",\s*(?:who|which|whose|whom)\b[^,]*,\s*$")
_AFFILIATION = re.compile(r"\s(?:of the|at the|from the|at|from)\s")
_BRACKET_TAIL = re.compile(r"\s*\([^()]{1,20}\)$")
# "A former Democratic National Committee chairman": a person named by what they are, which
# may take more words than a name; the head noun ends it in lower case.
_DESCRIBED_PERSON = re.compile(r"(?:A|An|The|a|an|the)\s(?:[\w'’.-]+\s){2,6}[a-z][\w-]+")
_NAME_RUN = re.compile(rf"(?:{_CAPITALISED}\s+){{1,3}}{_CAPITALISED}$")

# Hedge cues. Modal cues are ignored inside reported content ("X announced that it would"),
# where the claim is about the report, and in idioms that carry no doubt.
_CUES = re.compile(
    r"\b(?:(?P<frame>(?i:(?:I|we)\s+(?:do not|don['’]t|cannot|can['’]t)\s+rule out|"
    r"(?:I|we)\s+(?:suspect|guess|imagine|assume|presume|speculate|doubt)|"
    r"it\s+(?:is|was|seems|remains)\s+(?:possible|conceivable|plausible|unclear|uncertain|"
    r"likely|unlikely|doubtful)|it\s+seems\s+to\s+me|it\s+appears|"
    r"(?:I|we)\s+(?:think|believe|expect|fear|hope)|"
    r"(?:may|might|could)\s+well|would\s+likely))\b"
    r"|(?P<modal>may|might|could|would)\b"
    r"(?!\s+(?:not\s+)?(?:ask|say|argue|wonder|like|love|rather|prefer)\b)"
    r"|(?P<verb>(?i:(?:seems?|seemed|appears?|appeared)(?=\s+(?:to|that|as|like)\b)"
    r"|suggests?|suggested|indicates?))\b"
    r"|(?P<adverb>(?i:perhaps|probably|possibly|likely|presumably|maybe|arguably|"
    r"conceivably|apparently|allegedly|supposedly|potentially|unlikely))\b"
    r"|(?P<whether>(?i:whether))\b)",
)
_HEDGE_SUBJECT = re.compile(
    r"\b(?:research|study|studies|data|evidence|results|findings|analysis|this|that|it|"
    r"figures|numbers|statistics|signs|indicators|estimates|observations|"
    r"survey|poll|polls|model|models|experience|history|pattern|trend)\s*$",
    re.IGNORECASE,
)
# "more likely to", "most likely to", "less likely than": a comparison or a statistic, which
# states a finding rather than hedging.
_COMPARATIVE_LIKELY = re.compile(r"\b(?:more|most|less|least|as|twice|times)\s+$", re.IGNORECASE)
# "could" of past ability: "the team could show that …", "police could not confirm".
_ABILITY_AFTER = re.compile(
    r"\s+(?:not\s+|n['’]t\s+|only\s+|barely\s+|hardly\s+|finally\s+|still\s+|no longer\s+)?"
    r"(?:show|demonstrate|prove|confirm|see|hear|feel|find|identify|detect|measure|observe|"
    r"trace|read|afford|remember|recall|tell|locate|reach|explain|verify|replicate|reproduce)\b"
)
# "would" inside an embedded question: "what would help", "how the plan would work".
_QUESTION_WORD_BEFORE = re.compile(
    r"\b(?:what|how|who|which|why|where|when)\s+(?:[\w'’-]+\s+){0,3}$", re.IGNORECASE
)
_FUTURE = re.compile(r"\b(?:will|would|shall|going to|could|can)\b")
_IDIOM_MODAL = re.compile(r"\bthan\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_RELATIVE_BEFORE = re.compile(r"\b(?:who|which)\s+$", re.IGNORECASE)
_RHETORICAL = re.compile(r"^\s*(?:one|you|we|I)\s+$", re.IGNORECASE)
# Modals inside content clauses of saying/knowing verbs report someone's statement or plan.
_CONTENT_CLAUSE = re.compile(
    r"\b(?:made (?:it )?clear|decided|agreed|announced|promised|pledged|vowed|knew|learned|"
    r"realized|found|warned|said|told \w+|stated|insisted|confirmed|reported)\s+that\b"
)
_CONTRASTIVE = re.compile(r"(?:but|yet|whereas|while|although|though)\b")
_THAT_BEFORE = re.compile(r"\b(?:that|which|who)\s+$", re.IGNORECASE)

# Clause boundaries where a claim and a speculation may be split.
_CLAUSE_BOUNDARY = re.compile(
    r"(?:[,;]|\s[–—])\s+(?=(?:and|but|yet|whereas|while|so|or|although|though)\b"
    r"|(?:likely|probably|perhaps|possibly)\b)"
    r"|;\s+"
)
_SUBORDINATE_START = re.compile(
    r"^[\"“«]?(?:(?:And|But|So|Yet|Or)\s+)?"
    r"(?:If|When|While|Although|Though|Unless|Given|Even if|As long as|Whether|"
    r"Because|Since|Once|Assuming|Provided|Despite|Until)\b"
)

_IMPERATIVE = re.compile(
    r"^[\"“«]?(?:Let['’]s|Let us|Consider|Imagine|Remember|Don['’]t|Do not|Please|Read|Click|"
    r"Note|Take|Think about|Look at|Stop|Try|Join|Subscribe|Sign up|Follow|Share|See|Watch|"
    r"Listen|Contact|Visit|Download|Make sure|Keep|Check|Call|Tell|Ask|Write|Go)\b"
)
_BOILERPLATE = re.compile(
    # an author's note often opens with a dash or an asterisk: "— The author is …"
    r"^[\s*—–-]*(?:About (?:the|this) (?:author|writer)s?|Disclosure statement|"
    r"Photo\b|Image\b|Credit\b|Source:|Copyright|©|"
    r"All rights reserved|Read more|Read the original|Related:|Editor['’]s note|"
    r"This article (?:is|was) (?:re)?published|Follow (?:us|me|him|her)|Sign up|Subscribe|"
    r"The (?:author|writer)s? (?:is|are|was|were|has|have)\b)"
    r"|(?:do|does|did)\s+not\s+(?:always\s+|necessarily\s+)?(?:share|reflect|represent|"
    r"endorse)\s+the\s+(?:views|opinions|opinion|position|positions)"
    r"|\b(?:views|opinions)\s+expressed\b"
    # funding and affiliation disclosures of academic commentary sites
    r"|\bdisclosed no relevant affiliations\b|\b(?:does|do) not work for, consult\b"
    r"|^[\w .'’-]{3,60}\s(?:receives?|has received|received)\s+(?:research\s+)?funding\s+from\b"
    r"|\bis (?:re)?published (?:from|by|with permission|courtesy)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:By|BY|Written by|Words by)\s+[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)")
_BIO = re.compile(
    r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3},?\s+(?:is\s+)?(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}"
    r"(?:journalist|writer|columnist|professor|author|researcher|editor|laureate|fellow|"
    r"lecturer|correspondent|analyst|reporter|director|scholar|historian|economist|"
    r"candidate|student)\b"
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_TERMINAL = re.compile(r"[.!?…:;][\"”»’')\]]*$")
_QUESTION = re.compile(r"\?[\"”»’')\]]*$")


@dataclass(frozen=True, slots=True)
class _Quote:
    start: int
    end: int
    speaker: str
    speaker_start: int | None
    direct: bool
    rule: str = ""  # which rule found it (a calibration feature)
    cue: str = ""  # the reporting verb or phrase that fired it


class RulesTagger:
    """Offline rule tagger; bump ``version`` whenever the rules change."""

    name = "rules"
    version = "1.7"

    def tag(self, text: str) -> list[Suggestion]:
        """The suggestions, each with its calibrated confidence (``calibration``)."""
        return calibrate(text, candidates(text))


def candidates(text: str) -> list[Suggestion]:
    """The rules' suggestions with ``rule`` and ``cue`` set and no confidence yet."""
    return candidates_and_paragraphs(text)[0]


def candidates_and_paragraphs(text: str) -> tuple[list[Suggestion], list[Paragraph]]:
    """``candidates`` and the paragraphs (with sentences) whose sentences were labelled (not
    headings, bylines, bios or disclaimers), so a re-scorer (``articles.tagging.rescoring``)
    need not segment and sort the text again."""
    paras = paragraphs(text)
    quotes = _direct_quotes(text, paras)
    indirect = _indirect_quotes(text, paras, quotes)
    result: list[Suggestion] = []
    # Reported speech that overlaps a direct quote is the direct quote's frame: it names
    # the speaker ('X wrote that such deals "rarely pay"') and is then dropped.
    quotes = [_speaker_from_frame(q, indirect) for q in quotes]
    # Modals in reported content are the speaker's, frames of a direct quote included.
    reported = [(q.start, q.end) for q in indirect]
    indirect = [q for q in indirect if not any(q.start < d.end and d.start < q.end for d in quotes)]
    for quote in _resolve_pronouns([*quotes, *indirect]):
        attrs: dict[str, Any] = {"speaker": quote.speaker, "direct": quote.direct}
        if quote.speaker_start is not None:
            attrs["speaker_start"] = quote.speaker_start
            attrs["speaker_end"] = quote.speaker_start + len(quote.speaker)
        result.append(
            Suggestion(
                "quote", quote.start, quote.end, attrs, rule=f"quote.{quote.rule}", cue=quote.cue
            )
        )
    # A hedge inside a direct quote is the speaker's, not the author's speculation.
    quoted = [(q.start, q.end) for q in quotes]
    labelled: list[Paragraph] = []
    for index, para in enumerate(paras):
        if _is_heading(text, para) or _is_boilerplate_para(text, para, index, len(paras)):
            continue
        labelled.append(para)
        for start, end in para.sentences:
            result.extend(_label_sentence(text, start, end, reported, quoted))
    return _no_same_label_overlap(result), labelled


# --- quotes --------------------------------------------------------------------------------


def _direct_quotes(text: str, paras: list[Paragraph]) -> list[_Quote]:
    found: list[_Quote] = []
    carry: tuple[int, Paragraph] | None = None  # a quote opened by an earlier paragraph
    last_speaker: tuple[str, int | None, int] | None = None  # speaker, offset, paragraph start
    for para in paras:
        continues = carry is not None and text[para.start] in OPENERS
        if carry is not None and not continues:
            # The quoted paragraph ended without a close and nothing re-opens: it ends there.
            quote = _make_direct(text, carry[1], carry[0], carry[1].end, None)
            if quote is not None:
                found.append(quote)
            carry = None
        pairs, dangling = _mark_pairs(text, para.start, para.end, continued=continues)
        if continues and carry is not None:
            if pairs and pairs[0][0] == para.start:
                pairs[0] = (carry[0], pairs[0][1])
            elif dangling == para.start:
                dangling = carry[0]
            carry = None
        if dangling is not None and (dangling == para.start or dangling < para.start):
            carry = (dangling, para)
        for open_at, close_at in pairs:
            quote = _make_direct(text, para, open_at, close_at, last_speaker)
            if quote is None:
                continue
            found.append(quote)
            if quote.speaker:
                last_speaker = (quote.speaker, quote.speaker_start, para.start)
    if carry is not None:
        quote = _make_direct(text, carry[1], carry[0], carry[1].end, None)
        if quote is not None:
            found.append(quote)
    return found


def _mark_pairs(
    text: str, start: int, end: int, *, continued: bool = False
) -> tuple[list[tuple[int, int]], int | None]:
    """Pairs of (opening mark, closing mark) offsets in one paragraph, and an unclosed opener.

    ``continued``: the paragraph's first mark re-opens a quote from the previous paragraph.
    """
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    expected = ""
    for mark in _MARK.finditer(text, start, end):
        i, char = mark.start(), mark.group()
        if open_at is None or (expected in SINGLE_CLOSERS and char in OPENERS):
            # A pending single mark ("the ‘90s") gives way to a double one.
            if char in ALL_OPENERS and _can_open(text, i, start):
                open_at, expected = i, ALL_OPENERS[char]
            elif char == "”" and i == start and text[i + 1 : i + 2].isalnum():
                # A right mark typed for a left one at a paragraph start ("”We …”").
                open_at, expected = i, "”"
            continue
        if char == expected or (expected in ('"', "”") and char in ('"', "”")):
            if expected in ('"', "’", "'", "''") and not _can_close(text, i + len(char) - 1, end):
                continue
            if expected in SINGLE_CLOSERS and text[i - 1] in "sS" and text[i + 1 : i + 2].isspace():
                continue  # "the players’ union": a plural possessive, not a closing mark
            pairs.append((open_at, i))
            open_at = None
    del continued  # the first pair starting at the paragraph start is what the caller joins
    if open_at is not None and text[open_at] == "'":
        open_at = None
    return pairs, open_at


def _can_open(text: str, i: int, para_start: int) -> bool:
    if i == para_start:
        return True
    before = text[i - 1]
    return before.isspace() or before in "([{—–-/:" or before in QUOTE_CHARS


def _can_close(text: str, i: int, para_end: int) -> bool:
    if i + 1 >= para_end:
        return True
    after = text[i + 1]
    return not after.isalnum()


def _make_direct(
    text: str,
    para: Paragraph,
    open_at: int,
    close_at: int,
    last_speaker: tuple[str, int | None, int] | None,
) -> _Quote | None:
    start, end = open_at + (2 if text.startswith("''", open_at) else 1), close_at
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    if start >= end:
        return None
    content = text[start:end]
    words = _WORD.findall(content)
    if not words:
        return None
    if _is_scare_or_title(content, words):
        # A few quoted words are a quote when someone says them ('"It's over," she said') or
        # is said to have used them (called the plan "a disaster"); otherwise they are scare
        # quotes or a quoted term (the "experts", a "share" button), and a neighbouring
        # clause never lends them a speaker. A name stays a title: "Project Blue".
        if not any(w[0].islower() for w in words):
            return None
        speaker, speaker_start = _speaker_of_phrase(text, para, open_at)
        if speaker:
            return _Quote(start, end, speaker, speaker_start, True, "direct.phrase")
        speaker, speaker_start, rule = _speaker_for_direct(
            text, para, open_at, close_at, short=True
        )
        if not speaker and rule != "direct.unnamed":
            return None
        return _Quote(start, end, speaker, speaker_start, True, "direct.short")
    rule = "direct.colon"
    speaker, speaker_start = _speaker_of_colon_intro(text, para, open_at)
    if not speaker:
        speaker, speaker_start, rule = _speaker_for_direct(text, para, open_at, close_at)
    # An unattributed quote takes the speaker of an earlier quote in its paragraph, or, when
    # it continues a quote opened in an earlier paragraph, the latest speaker.
    if (
        not speaker
        and last_speaker is not None
        and (last_speaker[2] == para.start or (open_at < para.start and last_speaker[2] <= open_at))
    ):
        speaker, speaker_start, rule = last_speaker[0], last_speaker[1], "direct.carried"
    return _Quote(start, end, speaker, speaker_start, True, rule)


def _speaker_of_colon_intro(text: str, para: Paragraph, open_at: int) -> tuple[str, int | None]:
    """The subject of a sentence that introduces the quote with a colon and no reporting
    verb: "The chief executive put it plainly: "…"", "Her answer was blunt: "…"" ."""
    if text[max(para.start, open_at - 3) : open_at].rstrip()[-1:] != ":":
        return "", None
    before_start = max(para.start, open_at - 240)
    match = _COLON_INTRO.search(text, before_start, open_at)
    if match is None:
        return "", None
    name, offset = _clean_np(text, match.start("np"), match.end("np"))
    if not name or _NON_SPEAKER_SUBJECT.match(name):
        return "", None
    return name, offset


def _speaker_of_phrase(text: str, para: Paragraph, open_at: int) -> tuple[str, int | None]:
    before_start = max(para.start, open_at - 240)
    before = text[before_start:open_at]
    verb = _NAMING_VERB.search(before)
    if verb is None:
        return "", None
    np = _NP_BEFORE.search(before, 0, verb.start())
    if np is None:
        return "", None
    name, offset = _clean_np(text, before_start + np.start(), before_start + np.end())
    if not name or _NON_SPEAKER_SUBJECT.match(name):
        return "", None
    return name, offset


def _is_scare_or_title(content: str, words: list[str]) -> bool:
    """A quoted term, scare quotes or a title: a few words that do not end a sentence, or
    a short run of capitalised words."""
    ends_sentence = content.rstrip()[-1:] in ".!?…"
    if len(words) <= SHORT_PHRASE_WORDS and not ends_sentence:
        return True
    if ends_sentence or len(words) > 8:
        return False
    significant = [w for w in words if len(w) > 3]
    return bool(significant) and all(w[0].isupper() for w in significant)


def _speaker_for_direct(
    text: str, para: Paragraph, open_at: int, close_at: int, *, short: bool = False
) -> tuple[str, int | None, str]:
    """The speaker of a direct quote, its offset, and the rule that found it.

    ``short``: a few quoted words, which are spoken only when a comma joins them to the
    reporting clause ('"It's over," she said'); '"experts" say …' makes them the subject.
    """
    close_end = close_at + (2 if text.startswith("''", close_at) else 1)
    after = text[close_end : min(para.end, close_at + 160)]
    match = _REPORT_AFTER_QUOTE.match(after)
    if match and short and not (text[close_at - 1] == "," or after.lstrip().startswith(",")):
        match = None
    if match:
        group = next(g for g in ("np1", "np2", "np3") if match.group(g))
        raw_start = close_end + match.start(group)
        name, offset = _clean_np(text, raw_start, close_end + match.end(group))
        if name and not _NON_SPEAKER_SUBJECT.match(name):
            return name, offset, "direct.after"
        if short:
            # '"Not again," a man in the crowd shouted to nobody in particular': spoken
            # words, though the speaker is not a clean noun phrase.
            return "", None, "direct.unnamed"
    before_start = max(para.start, open_at - 240)
    before = text[before_start:open_at]
    verbs = list(_REPORT_VERB.finditer(before))
    # 'she said, "…', 'he told reporters: "…', and 'Trump declared "…' (the verb right
    # before the mark).
    if verbs and (
        _REPORT_TAIL.fullmatch(before, verbs[-1].end()) or not before[verbs[-1].end() :].strip()
    ):
        head = before[max(0, verbs[-1].start() - 150) : verbs[-1].start()]
        np = _NP_BEFORE.search(head)
        if np:
            np_start = open_at - len(before) + verbs[-1].start() - len(head) + np.start()
            name, offset = _clean_np(text, np_start, np_start + len(np.group(0)))
            if name and not _NON_SPEAKER_SUBJECT.match(name):
                return name, offset, "direct.before"
    if short:
        return "", None, "direct.none"
    name, offset = _according_to(text, para, open_at, close_at)
    return name, offset, "direct.according" if name else "direct.none"


def _according_to(
    text: str, para: Paragraph, open_at: int, close_at: int
) -> tuple[str, int | None]:
    window_start = max(para.start, open_at - 200)
    window = text[window_start : min(para.end, close_at + 200)]
    for match in _ACCORDING.finditer(window):
        name, offset = _clean_np(
            text, window_start + match.start("np"), window_start + match.end("np")
        )
        if name:
            return name, offset
    return "", None


def _clean_np(text: str, start: int, end: int) -> tuple[str, int | None]:
    """Trim a subject/agent phrase to the speaker as written; return it and its offset."""
    start = max(start, end - 200)  # a speaker is never longer; keeps the searches linear
    phrase = text[start:end]
    rel = _RELATIVE_APPOSITION.search(phrase)
    if rel:
        phrase = phrase[: rel.start()]
    # Keep the last clause: the subject follows the last comma or conjunction.
    cut = max(phrase.rfind(", "), phrase.rfind("; "), phrase.rfind(": "))
    if cut >= 0 and not _RELATIVE_APPOSITION.search(text[start : start + cut + 2]):
        tail = phrase[cut + 2 :]
        if tail.strip():
            start += cut + 2
            phrase = tail
    lead = _LEADING_JUNK.match(phrase)
    if lead:
        start += lead.end()
        phrase = phrase[lead.end() :]
    trail = _TRAILING_ADVERB.search(phrase)
    if trail:
        phrase = phrase[: trail.start()]
    for stop in (" in an interview", " in a statement", " on ", " in a ", " during ", " at a "):
        index = phrase.find(stop)
        if index > 0:
            phrase = phrase[:index]
    stripped = phrase.lstrip()
    start += len(phrase) - len(stripped)
    phrase = stripped.rstrip(" ,")
    words = phrase.split()
    if not words or len(words) > 12:
        return "", None
    if len(words) > 5:
        # "Dr. Jane Roe of the U.S. Treasury": the person before the affiliation.
        head = _AFFILIATION.split(phrase, maxsplit=1)[0]
        if head != phrase and 1 <= len(head.split()) <= 5 and head[:1].isupper():
            return head.rstrip(), start
        # "Rep. Jane Roe (D-Ore.)": the party or place in brackets stays with the name.
        bracket = _BRACKET_TAIL.search(phrase)
        core = phrase[: bracket.start()] if bracket else phrase
        run = _NAME_RUN.search(core)
        if run:
            name = run.group(0).split()
            # A title before a name ("Foreign Policy Adviser Jane Roe"): keep the name.
            keep = " ".join(name[-2:]) if len(name) > 3 else run.group(0)
            start += run.end() - len(keep)
            phrase = keep + (phrase[bracket.start() :] if bracket else "")
        elif not _DESCRIBED_PERSON.fullmatch(phrase):
            return "", None
    if not _is_noun_phrase(phrase):
        return "", None
    return phrase, start


# Words that never begin a speaker's noun phrase, and finite verbs it never holds: a "speaker"
# with them is a fragment of a neighbouring clause.
_NOT_NP_START = frozenset(
    [
        "to",
        "that",
        "which",
        "what",
        "if",
        "when",
        "as",
        "because",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "after",
        "before",
        "during",
        "compared",
        "than",
        "of",
        "about",
        "into",
        "over",
        "under",
        "since",
        "until",
        "while",
        "although",
        "though",
        "whether",
        "and",
        "but",
        "or",
        "so",
        "yet",
        "not",
        "also",
        "said",
        "says",
        "told",
    ]
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|could|should|can|may|might|must|did|does|"
    r"do|said|says|told|tells|say)\b",
    re.IGNORECASE,
)


def _is_noun_phrase(phrase: str) -> bool:
    words = phrase.split()
    if not words or words[0].lower() in _NOT_NP_START or words[-1].lower() in _NOT_NP_START:
        return False
    if not words[0][:1].isalnum() or any(c.isdigit() for c in phrase):
        return False
    return not _FINITE.search(phrase)


def _indirect_quotes(text: str, paras: list[Paragraph], direct: list[_Quote]) -> list[_Quote]:
    found: list[_Quote] = []
    direct_ranges = [(q.start - 1, q.end + 1) for q in direct]
    for para in paras:
        for s_start, s_end in para.sentences:
            sentence = text[s_start:s_end]
            found.extend(_indirect_in_sentence(text, s_start, sentence, direct_ranges))
    return found


def _inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in ranges)


def _content_end(text: str, start: int, limit: int) -> int:
    end = limit
    while end > start and (text[end - 1].isspace() or text[end - 1] in '.!?;:,"”»’'):
        end -= 1
    return end


def _indirect_in_sentence(
    text: str, base: int, sentence: str, direct_ranges: list[tuple[int, int]]
) -> list[_Quote]:
    quotes: list[_Quote] = []
    s_end = base + len(sentence)
    # Cheap substring checks first: most sentences report nobody.
    for match in _INDIRECT.finditer(sentence) if "that" in sentence else ():
        verb = match.group("verb")
        if verb == "believes":
            continue
        subject_text = sentence[: match.start()]
        if _UNREAL_BEFORE.search(subject_text):
            continue  # "will acknowledge that", "to say that": not something said
        name, offset = _clean_np(text, base, base + len(subject_text.rstrip()))
        if not name or _NON_SPEAKER_SUBJECT.match(name) or (name[0].islower() and " " not in name):
            continue
        start = base + match.end()
        end = _content_end(text, start, s_end)
        if end - start < 8 or _inside(direct_ranges, start, end):
            continue
        quotes.append(_Quote(start, end, name, offset, False, "indirect.that", verb.lower()))
        break
    if not quotes and "that" in sentence:
        quotes.extend(_finding(text, base, sentence, direct_ranges))
    if not quotes and sentence[:3] in ("As ", "as ", "But", "And"):
        quotes.extend(_as_said(text, base, sentence, direct_ranges))
    if not quotes and sentence[:1] not in QUOTE_CHARS:
        quotes.extend(_bare_or_postposed(text, base, sentence, direct_ranges))
    if not quotes and ", " in sentence and _POST_HINT.search(sentence):
        quotes.extend(_parenthetical(text, base, sentence, direct_ranges))
    if not quotes and ", " in sentence:
        quotes.extend(_participle(text, base, sentence, direct_ranges))
    for match in _CHARACTERIZED.finditer(sentence) if " as " in sentence else ():
        subject_text = sentence[: match.start()]
        name, offset = _subject_before(text, base, subject_text)
        if not name or _NON_SPEAKER_SUBJECT.match(name):
            continue
        start = base + match.end()
        rest = sentence[match.end() :]
        comma = re.search(r",\s", rest)
        end = start + comma.start() if comma else _content_end(text, start, s_end)
        end = _content_end(text, start, end)
        if end - start >= 8:
            cue = match.group(0).split()[0].lower()
            quotes.append(_Quote(start, end, name, offset, False, "indirect.as", cue))
    for match in _ACCORDING.finditer(sentence) if "ccording to" in sentence else ():
        name, offset = _clean_np(text, base + match.start("np"), base + match.end("np"))
        if not name:
            continue
        if match.start() < 3 or sentence[: match.start()].strip() == "":
            start = base + match.end()
            end = _content_end(text, start, s_end)
        else:
            start = base
            end = _content_end(text, start, base + match.start())
        while start < end and text[start].isspace():
            start += 1
        if end - start >= 8 and not _inside(direct_ranges, start, end):
            quotes.append(
                _Quote(start, end, name, offset, False, "indirect.according", "according")
            )
    return quotes


def _finding(
    text: str, base: int, sentence: str, direct_ranges: list[tuple[int, int]]
) -> list[_Quote]:
    """'The agency estimated that …', 'a survey found that …': organisations and documents."""
    for match in _FINDING.finditer(sentence):
        subject_text = sentence[: match.start()]
        if _UNREAL_BEFORE.search(subject_text):
            continue
        name, offset = _clean_np(text, base, base + len(subject_text.rstrip()))
        if not name or _NON_SPEAKER_SUBJECT.match(name):
            continue
        if speaker_kind(name) not in ("organisation", "document"):
            continue
        start = base + match.end()
        end = _content_end(text, start, base + len(sentence))
        if end - start < 8 or _inside(direct_ranges, start, end):
            continue
        verb = match.group("verb").lower()
        return [_Quote(start, end, name, offset, False, "indirect.finding", verb)]
    return []


def _speaker_of(text: str, base: int, match: re.Match[str]) -> tuple[str, int | None]:
    """The cleaned ``np`` group of a reporting-clause match, or ``""`` when it cannot speak
    ("it said", "the report said")."""
    name, offset = _clean_np(text, base + match.start("np"), base + match.end("np"))
    if not name or _NON_SPEAKER_SUBJECT.match(name):
        return "", None
    return name, offset


def _as_said(
    text: str, base: int, sentence: str, direct_ranges: list[tuple[int, int]]
) -> list[_Quote]:
    """'As the minister said, …': the content after the comma."""
    match = _AS_SAID.match(sentence)
    if match is None:
        return []
    name, offset = _speaker_of(text, base, match)
    if not name:
        return []
    start = base + match.end()
    end = _content_end(text, start, base + len(sentence))
    if len(_WORD.findall(text[start:end])) < 4 or _inside(direct_ranges, start, end):
        return []
    verb = match.group("verb").split()[0].lower()
    return [_Quote(start, end, name, offset, False, "indirect.as_said", verb)]


def _parenthetical(
    text: str, base: int, sentence: str, direct_ranges: list[tuple[int, int]]
) -> list[_Quote]:
    """'Part of it, he said, is the rest': the reported words on both sides of the reporting
    clause, as two spans (a span never holds its reporting verb); a lead that is only a
    connective ("But, she said, …") is not reported content."""
    match = _PARENTHETICAL.search(sentence)
    if match is None:
        return []
    name, offset = _speaker_of(text, base, match)
    if not name:
        return []
    rest_start = base + match.end()
    rest_end = _content_end(text, rest_start, base + len(sentence))
    if len(_WORD.findall(text[rest_start:rest_end])) < 3:
        return []
    verb = match.group("verb").split()[0].lower()
    parts = [(rest_start, rest_end)]
    lead_start, lead_end = base, _content_end(text, base, base + match.start())
    while lead_start < lead_end and text[lead_start].isspace():
        lead_start += 1
    lead_words = _WORD.findall(text[lead_start:lead_end])
    if len(lead_words) >= 2 or (lead_words and not _LEAD_ONLY.fullmatch(lead_words[0])):
        parts.insert(0, (lead_start, lead_end))
    return [
        _Quote(a, b, name, offset, False, "indirect.parenthetical", verb)
        for a, b in parts
        if not _inside(direct_ranges, a, b)
    ]


def _participle(
    text: str, base: int, sentence: str, direct_ranges: list[tuple[int, int]]
) -> list[_Quote]:
    """'The mayor defended the plan, saying it would pay for itself': the subject speaks."""
    match = _PARTICIPLE.search(sentence)
    if match is None:
        return []
    subject = _SUBJECT_NAME.match(sentence)
    if subject is None:
        return []
    name, offset = _clean_np(text, base, base + subject.end())
    if not name or _NON_SPEAKER_SUBJECT.match(name):
        return []
    start = base + match.end()
    end = _content_end(text, start, base + len(sentence))
    if len(_WORD.findall(text[start:end])) < 4 or _inside(direct_ranges, start, end):
        return []
    if not _CLAUSE_VERB.match(text, start, end) and not match.group(0).endswith("that "):
        return []  # ", saying goodbye", ", adding to the pressure"
    verb = match.group("verb").lower()
    return [_Quote(start, end, name, offset, False, "indirect.participle", verb)]


def _bare_or_postposed(
    text: str, base: int, sentence: str, direct_ranges: list[tuple[int, int]]
) -> list[_Quote]:
    s_end = base + len(sentence)
    tail = max(0, len(sentence) - 200)
    post = _POSTPOSED.search(sentence, tail) if _POST_HINT.search(sentence, tail) else None
    if post and _APPOSITIVE_SUBJECT.search(sentence, 0, post.start() + 1):
        post = None  # "…, Anna Berg, said the border stays open": the name is the subject
    if post:
        group = "np1" if post.group("np1") else "np2"
        name, offset = _clean_np(text, base + post.start(group), base + post.end(group))
        start = base
        end = _content_end(text, start, base + post.start())
        attribution = post.group(0)[1:].lstrip().lower()
        if (
            name
            and not attribution.startswith(("as ", "which ", "who ", "what "))
            and not _NON_SPEAKER_SUBJECT.match(name)
            and len(_WORD.findall(text[start:end])) >= 4
            and not _inside(direct_ranges, start, end)
        ):
            verb = _POST_HINT.search(post.group(0))
            cue = verb.group(0).lower() if verb else ""
            return [_Quote(start, end, name, offset, False, "indirect.postposed", cue)]
    for match in _INDIRECT_BARE.finditer(sentence):
        before = sentence[: match.start()].rstrip()
        if before.endswith(","):
            # "Anna Berg, a spokeswoman for the ministry, said …": the name before the
            # apposition speaks.
            appositive = _APPOSITIVE_SUBJECT.search(before)
            if appositive is None:
                continue
            group = "np" if appositive.group("np") else "np2"
            np_start, np_end = appositive.span(group)
        else:
            np_start, np_end = 0, len(before)
        if not before or _UNREAL_BEFORE.search(before + " "):
            continue
        name, offset = _clean_np(text, base + np_start, base + np_end)
        if not name or _NON_SPEAKER_SUBJECT.match(name):
            continue
        one_lower_word = name[0].islower() and " " not in name
        if one_lower_word and name.lower() not in PRONOUNS and not _PLURAL_SOURCE.fullmatch(name):
            continue
        start = base + match.end()
        end = _content_end(text, start, s_end)
        if not _CLAUSE_VERB.match(text, start, end):
            break  # "said goodbye", "said in a statement": no content clause
        if len(_WORD.findall(text[start:end])) >= 4 and not _inside(direct_ranges, start, end):
            cue = match.group("verb").split()[0].lower()
            return [_Quote(start, end, name, offset, False, "indirect.bare", cue)]
        break
    return []


def _speaker_from_frame(quote: _Quote, indirect: list[_Quote]) -> _Quote:
    if quote.speaker:
        return quote
    for frame in indirect:
        if frame.speaker and frame.start < quote.end and quote.start < frame.end:
            return replace(
                quote, speaker=frame.speaker, speaker_start=frame.speaker_start, rule="direct.frame"
            )
    return quote


def _resolve_pronouns(quotes: list[_Quote]) -> list[_Quote]:
    """'he said': the speaker is the nearest preceding named attribution."""
    resolved = []
    last: tuple[str, int | None] | None = None
    for quote in sorted(quotes, key=lambda q: q.start):
        if quote.speaker.lower() in PRONOUNS and last is not None:
            quote = replace(quote, speaker=last[0], speaker_start=last[1])
        elif quote.speaker and quote.speaker.lower() not in PRONOUNS:
            last = (quote.speaker, quote.speaker_start)
        resolved.append(quote)
    return resolved


def _subject_before(text: str, base: int, before: str) -> tuple[str, int | None]:
    """The agent right before a verb: after 'whom'/'which', or the clause subject."""
    rel = re.search(r"\b(?:whom|which|who)\s+([^,]+)$", before)
    if rel:
        return _clean_np(text, base + rel.start(1), base + len(before.rstrip()))
    return _clean_np(text, base, base + len(before.rstrip()))


# --- claims and speculation ------------------------------------------------------------------


def _is_heading(text: str, para: Paragraph) -> bool:
    line = text[para.start : para.end].strip()
    if _TERMINAL.search(line) or _QUESTION.search(line):
        return False
    return len(_WORD.findall(line)) <= 10


def _is_boilerplate_para(text: str, para: Paragraph, index: int, count: int) -> bool:
    line = text[para.start : para.end].strip()
    if _BOILERPLATE.search(line[:200]):
        return True
    if _BYLINE.match(line) and len(_WORD.findall(line)) <= 12:
        return True
    return index >= count - 3 and bool(_BIO.match(line))


_CUE_STARTS = HEDGE_ADVERBS | frozenset(
    {
        "may",
        "might",
        "could",
        "would",
        "seem",
        "seems",
        "seemed",
        "appear",
        "appears",
        "appeared",
        "suggest",
        "suggests",
        "suggested",
        "indicate",
        "indicates",
        "whether",
        "i",
        "we",
        "it",
    }
)
_LETTERS = re.compile(r"\b[A-Za-z]+")


def _cue_matches(segment: str) -> list[re.Match[str]]:
    """``_CUES.finditer`` tried only where a cue can start: the same matches, several times
    faster, since the big alternation runs at a few words instead of every position."""
    matches: list[re.Match[str]] = []
    after = 0
    words = _LETTERS.findall(segment)
    if _CUE_STARTS.isdisjoint(map(str.lower, words)):
        return matches  # most clauses: no word can start a cue
    for word in _LETTERS.finditer(segment):
        if word.group().lower() not in _CUE_STARTS or word.start() < after:
            continue
        match = _CUES.match(segment, word.start())
        if match:
            matches.append(match)
            after = match.end()
    return matches


def _cues(
    text: str,
    start: int,
    end: int,
    reported: list[tuple[int, int]],
    quoted: list[tuple[int, int]],
) -> list[re.Match]:
    found = []
    segment = text[start:end]
    for match in _cue_matches(segment):
        at = start + match.start()
        if _inside(quoted, at, at + 1):
            continue
        before = segment[: match.start()]
        if match.group("modal"):
            if _inside(reported, at, at + 1):
                continue
            if _IDIOM_MODAL.search(before) or _RELATIVE_BEFORE.search(before):
                continue
            modal = match.group("modal")
            after = segment[match.end() : match.end() + 40]
            if modal == "could" and _ABILITY_AFTER.match(after):
                continue
            if modal == "would" and _QUESTION_WORD_BEFORE.search(before[-60:]):
                continue
            if _RHETORICAL.search(before[-6:]) and re.match(
                r"\w+\s+(?:ask|say|argue|wonder)", segment[match.start() :]
            ):
                continue
        elif match.group("verb"):
            word = match.group("verb").lower()
            if _IDIOM_MODAL.search(before):
                continue
            if word.startswith(("suggest", "indicat")):
                if not _HEDGE_SUBJECT.search(before):
                    continue
            elif _THAT_BEFORE.search(before):
                continue  # "complications that appear to be X": descriptive, not a hedge
        elif match.group("adverb") and match.group("adverb").lower() in ("likely", "unlikely"):
            if _COMPARATIVE_LIKELY.search(before[-12:]):
                continue
        elif match.group("whether"):
            after = segment[match.end() :]
            if not (_FUTURE.search(after[:160]) or re.search(r"\bwill\s+(?:\w+\s+){0,2}$", before)):
                continue
        found.append(match)
    return found


def _label_sentence(
    text: str,
    start: int,
    end: int,
    reported: list[tuple[int, int]],
    quoted: list[tuple[int, int]],
) -> list[Suggestion]:
    start, end = _strip_marks(text, start, end)
    if start >= end:
        return []
    sentence = text[start:end]
    if _QUESTION.search(sentence) or _IMPERATIVE.match(sentence) or _BOILERPLATE.match(sentence):
        return []
    if len(_WORD.findall(sentence)) < 3:
        return []
    pieces = _clauses(text, start, end)
    content = _CONTENT_CLAUSE.search(sentence)
    if content:
        reported = [*reported, (start + content.end(), end)]
    labelled: list[tuple[int, int, str]] = []
    for p_start, p_end in pieces:
        cues = _cues(text, p_start, p_end, reported, quoted)
        cue = cues[0].group(0) if cues else ""
        labelled.append((p_start, p_end, cue))
    # Merge neighbours with the same label so a sentence splits only where labels change.
    merged: list[list[Any]] = []
    for p_start, p_end, cue in labelled:
        joins_hedge = (
            merged
            and merged[-1][2]
            and not cue
            and not _CONTRASTIVE.match(text, p_start)
            and text[p_start - 2 : p_start - 1] != ";"
        )
        if merged and (bool(merged[-1][2]) == bool(cue) or joins_hedge):
            merged[-1][1] = p_end
        else:
            merged.append([p_start, p_end, cue])
    if len(merged) > 1 and _SUBORDINATE_START.match(sentence):
        cue = next((m[2] for m in merged if m[2]), "")
        merged = [[start, end, cue]]
    result = []
    shape = "sentence" if len(merged) == 1 else "clause"
    for p_start, p_end, cue in merged:
        p_start, p_end = _balance_marks(text, *_strip_marks(text, p_start, p_end))
        if p_start >= p_end:
            continue
        if cue:
            result.append(
                Suggestion(
                    "speculation",
                    p_start,
                    p_end,
                    {"cue": cue},
                    rule=f"speculation.{shape}",
                    cue=cue.lower(),
                )
            )
        else:
            result.append(Suggestion("claim", p_start, p_end, {}, rule=f"claim.{shape}"))
    return result


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    begin = start
    for match in _CLAUSE_BOUNDARY.finditer(text, start, end):
        cut = match.start()
        split_at = cut + 1 if text[cut] in ",;" else cut + 2
        if split_at - begin < 12:
            continue
        pieces.append((begin, split_at))
        begin = match.end()
    pieces.append((begin, end))
    return pieces


def _strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (
        text[start].isspace()
        or text[start] in QUOTE_CHARS
        or text[start] in "‘'"
        or unicodedata.category(text[start]) == "So"  # emoji and pictographs lead no sentence
    ):
        start += 1
    while end > start and (
        text[end - 1].isspace()
        or text[end - 1] in QUOTE_CHARS
        or (text[end - 1] in SINGLE_CLOSERS and text[end - 2 : end - 1] in (".", "!", "?"))
    ):
        end -= 1
    return start, end


_DOUBLE_OPENERS = "“«„"
_DOUBLE_CLOSERS = "”»"
_DOUBLE_MARK = re.compile('["“”«»„]')


def _mark_opens(text: str, i: int) -> bool:
    """Is the double mark at ``i`` an opening one?"""
    char = text[i]
    if char in _DOUBLE_OPENERS:
        return True
    if char in _DOUBLE_CLOSERS:
        return False
    before = text[i - 1] if i > 0 else " "
    return before.isspace() or before in "([{—–-/"


def _balance_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """A span that starts or ends inside a quotation keeps both of its marks or neither.

    Edge marks were stripped; one is put back when its partner lies inside the span: a span
    whose first mark closes a quotation opened just before it starts at that opening mark,
    and one whose last mark opens a quotation closed just after it ends at the closing mark.
    """
    if start >= end:
        return start, end
    marks = [m.start() for m in _DOUBLE_MARK.finditer(text, start, end)]
    if not marks:
        return start, end
    if start > 0 and text[start - 1] in '"“«„' and not _mark_opens(text, marks[0]):
        start -= 1
    if end < len(text) and text[end] in '"”»' and _mark_opens(text, marks[-1]):
        end += 1
    return start, end


def _no_same_label_overlap(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Suggestions of one label never overlap: keep the earlier, then the longer."""
    kept: list[Suggestion] = []
    last_end: dict[str, int] = {}
    for item in sorted(suggestions, key=lambda s: (s.label, s.start, -s.end)):
        if item.start < last_end.get(item.label, -1):
            continue
        kept.append(item)
        last_end[item.label] = item.end
    return sorted(kept, key=lambda s: (s.start, -s.end, s.label))
