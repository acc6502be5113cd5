"""Agreement figures on cases small enough to work out by hand.

The text has eight tokens: ``Alpha beta gamma .`` (offsets 0-17) and ``Delta epsilon
zeta .`` (18-37). Nominal alpha is worked out here from its definition, the coincidence
matrix: alpha = 1 - (n - 1) * sum(o_ck, c != k) / sum(n_c * n_k, c != k).
"""

from __future__ import annotations

from itertools import permutations

import pytest

from articles.agreement import ArticleLayers, agreement, token_marks
from articles.services import membership_set, review_set_state
from tests.factories import make_article, make_human_span, make_project, make_user

TEXT = "Alpha beta gamma. Delta epsilon zeta."
FIRST = (0, 17)  # "Alpha beta gamma."
FIRST_SHORT = (0, 16)  # "Alpha beta gamma" (IoU 16/17 with FIRST)
FIRST_WORD = (0, 5)  # "Alpha" (IoU 5/17 with FIRST: below 0.5)
SECOND = (18, 37)  # "Delta epsilon zeta."
LABELS = ["claim", "quote", "speculation"]


def nominal_alpha(units: list[list[int]]) -> float:
    """Alpha from the coincidence matrix, units given as each coder's value (0/1)."""
    o = {(c, k): 0.0 for c in (0, 1) for k in (0, 1)}
    for values in units:
        if len(values) < 2:
            continue
        for i, j in permutations(range(len(values)), 2):
            o[values[i], values[j]] += 1 / (len(values) - 1)
    n_c = {c: o[c, 0] + o[c, 1] for c in (0, 1)}
    n = n_c[0] + n_c[1]
    return 1 - (n - 1) * (o[0, 1] + o[1, 0]) / (2 * n_c[0] * n_c[1])


def layers(**editors: dict[str, list[tuple[int, int]]]) -> ArticleLayers:
    return ArticleLayers(article_id=1, text=TEXT, layers=editors)


def test_tokens_are_marked_where_a_span_overlaps_them():
    assert list(token_marks(TEXT, [FIRST_SHORT])) == [1, 1, 1, 0, 0, 0, 0, 0]
    assert list(token_marks(TEXT, [(3, 8)])) == [1, 1, 0, 0, 0, 0, 0, 0]
    assert list(token_marks(TEXT, [])) == [0] * 8


def test_exact_match_agrees_fully():
    figures = agreement([layers(ana={"claim": [FIRST]}, ben={"claim": [FIRST]})], LABELS)
    assert figures["labels"]["claim"] == {
        "f1_exact": 1.0,
        "f1_overlap": 1.0,
        "alpha": 1.0,
        "pairs": 1,
    }
    assert figures["editors"] == {
        "ana": {"ben": {"f1_exact": 1.0, "f1_overlap": 1.0, "articles": 1}},
        "ben": {"ana": {"f1_exact": 1.0, "f1_overlap": 1.0, "articles": 1}},
    }
    assert figures["articles"] == 1


def test_a_boundary_difference_matches_by_overlap_only():
    figures = agreement([layers(ana={"claim": [FIRST]}, ben={"claim": [FIRST_SHORT]})], LABELS)
    claim = figures["labels"]["claim"]
    assert (claim["f1_exact"], claim["f1_overlap"]) == (0.0, 1.0)
    # The full stop is in Ana's span only: 3 tokens (1,1), one (1,0), four (0,0).
    expected = nominal_alpha([[1, 1]] * 3 + [[1, 0]] + [[0, 0]] * 4)
    assert expected == pytest.approx(1 - 15 * 2 / 126)
    assert claim["alpha"] == pytest.approx(expected, abs=1e-4)


def test_a_boundary_too_far_off_matches_neither_way():
    figures = agreement([layers(ana={"claim": [FIRST]}, ben={"claim": [FIRST_WORD]})], LABELS)
    claim = figures["labels"]["claim"]
    assert (claim["f1_exact"], claim["f1_overlap"]) == (0.0, 0.0)


def test_a_label_only_one_editor_used_scores_zero_and_unused_ones_nothing():
    figures = agreement(
        [layers(ana={"claim": [FIRST], "quote": [SECOND]}, ben={"claim": [FIRST]})], LABELS
    )
    quote = figures["labels"]["quote"]
    assert (quote["f1_exact"], quote["f1_overlap"], quote["pairs"]) == (0.0, 0.0, 1)
    # Four tokens (1,0), four (0,0): alpha is below zero, worse than chance.
    assert quote["alpha"] == pytest.approx(nominal_alpha([[1, 0]] * 4 + [[0, 0]] * 4))
    assert quote["alpha"] == pytest.approx(-0.25)
    assert figures["labels"]["speculation"] == {
        "f1_exact": None,
        "f1_overlap": None,
        "alpha": None,
        "pairs": 0,
    }
    # Pooled over labels the pair matched one of three spans exactly: 2 * 1 / 3.
    assert figures["editors"]["ana"]["ben"]["f1_exact"] == pytest.approx(0.6667)
    # The project: means of the defined label figures.
    assert figures["project"]["f1_exact"] == pytest.approx(0.5)
    assert figures["project"]["alpha"] == pytest.approx((1.0 - 0.25) / 2)


def test_three_editors_average_their_three_pairs():
    figures = agreement(
        [
            layers(
                ana={"claim": [FIRST]},
                ben={"claim": [FIRST]},
                cleo={"claim": [FIRST_SHORT]},
            )
        ],
        LABELS,
    )
    claim = figures["labels"]["claim"]
    assert claim["pairs"] == 3
    assert claim["f1_exact"] == pytest.approx(1 / 3, abs=1e-4)  # mean of 1, 0, 0
    assert claim["f1_overlap"] == 1.0
    units = [[1, 1, 1]] * 3 + [[1, 1, 0]] + [[0, 0, 0]] * 4
    assert nominal_alpha(units) == pytest.approx(1 - 23 * 2 / 286)
    assert claim["alpha"] == pytest.approx(nominal_alpha(units), abs=1e-4)
    assert figures["editors"]["ana"]["cleo"] == {"f1_exact": 0.0, "f1_overlap": 1.0, "articles": 1}
    only_cleo = agreement(
        [layers(ana={"claim": [FIRST]}, ben={"claim": [FIRST]}, cleo={"claim": [FIRST_SHORT]})],
        LABELS,
        editor="cleo",
    )
    assert only_cleo["labels"]["claim"]["pairs"] == 2
    assert only_cleo["labels"]["claim"]["f1_exact"] == 0.0
    assert set(only_cleo["editors"]) == {"ana", "ben", "cleo"}
    assert set(only_cleo["editors"]["cleo"]) == {"ana", "ben"}
    assert "ben" not in only_cleo["editors"]["ana"]


def test_a_pair_pools_its_counts_over_articles():
    both = ArticleLayers(1, TEXT, {"ana": {"claim": [FIRST]}, "ben": {"claim": [FIRST]}})
    apart = ArticleLayers(2, TEXT, {"ana": {"claim": [FIRST, SECOND]}, "ben": {}})
    figures = agreement([both, apart], LABELS)
    # 2 * 1 match / (1 + 1 + 2 + 0) spans, not the mean of 1.0 and 0.0.
    assert figures["labels"]["claim"]["f1_exact"] == 0.5
    assert figures["editors"]["ana"]["ben"]["articles"] == 2


def test_a_single_editor_makes_no_pair():
    figures = agreement([layers(ana={"claim": [FIRST]})], LABELS)
    assert figures["articles"] == 0
    assert figures["labels"]["claim"]["alpha"] is None
    assert figures["editors"] == {}


# --- from the database, through the API ---------------------------------------------------


@pytest.fixture
def finished(project, teammate):
    """Two editors who finished two articles, a third who has not finished."""
    other = make_user("other")
    late = make_user("late")
    membership_set(project=project, user=other, role="editor")
    membership_set(project=project, user=late, role="editor")
    first = make_article(project, TEXT, title="One")
    second = make_article(project, "Gamma delta. Epsilon may fall.", title="Two")
    make_human_span(first, teammate, "claim", *FIRST)
    make_human_span(first, other, "claim", *FIRST_SHORT)
    make_human_span(first, late, "quote", *SECOND)  # not finished: not counted
    make_human_span(second, teammate, "speculation", 13, 30)
    make_human_span(second, other, "speculation", 13, 30)
    for article in (first, second):
        review_set_state(article=article, actor=teammate, state="done")
        review_set_state(article=article, actor=other, state="done")
    review_set_state(article=first, actor=late, state="in_progress")
    return first, second


def test_api_answers_the_figures_of_finished_layers(client_for, project, viewer, finished):
    first, _ = finished
    response = client_for(viewer).get(f"/api/projects/{project.pk}/agreement/")
    assert response.status_code == 200
    body = response.json()
    assert body["articles"] == 2
    assert body["labels"]["claim"]["f1_exact"] == 0.0
    assert body["labels"]["claim"]["f1_overlap"] == 1.0
    assert body["labels"]["speculation"]["f1_exact"] == 1.0
    assert body["labels"]["quote"]["pairs"] == 0  # the unfinished layer is not read
    assert set(body["editors"]) == {"teammate", "other"}
    assert body["editors"]["teammate"]["other"] == {
        "f1_exact": 0.5,
        "f1_overlap": 1.0,
        "articles": 2,
    }
    one = client_for(viewer).get(
        f"/api/projects/{project.pk}/agreement/", {"article": first.pk, "label": "claim"}
    )
    assert one.json()["articles"] == 1
    assert list(one.json()["labels"]) == ["claim"]


def test_api_filters_are_checked(client_for, project, viewer, finished):
    url = f"/api/projects/{project.pk}/agreement/"
    assert client_for(viewer).get(url, {"label": "opinion"}).json() == {
        "label": ["No label named 'opinion' in this project."]
    }
    assert client_for(viewer).get(url, {"editor": "ghost"}).json() == {
        "editor": ["No user named 'ghost'."]
    }
    elsewhere = make_article(make_project(None), "Another project's text.")
    response = client_for(viewer).get(url, {"article": elsewhere.pk})
    assert response.status_code == 400
    assert response.json() == {"article": ["No such article in this project."]}
    assert client_for(viewer).get(url, {"article": "x"}).status_code == 400
