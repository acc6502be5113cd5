"""``GET /api/spans/{id}/similar/``: ranking, numbers, visibility across projects, errors."""

from articles.selectors.similar import lexical_score
from tests.factories import make_article, make_decision, make_project, make_suggestion

BUSES = "The city spent 61 million euros on electric buses."
PARAPHRASE = "The council paid €61 million for new electric buses."
OTHER_NUMBER = "The council paid €16 million for new electric buses."
UNRELATED = "The city council met on Monday about the buses timetable."


def _claim(project, text):
    article = make_article(project, text)
    return make_suggestion(article, "claim", 0, len(text))


def test_paraphrase_ranks_first_and_rejected_excluded(client_for, owner, project):
    source = _claim(project, BUSES)
    paraphrase = _claim(project, PARAPHRASE)
    _claim(project, OTHER_NUMBER)
    _claim(project, UNRELATED)
    rejected = _claim(project, BUSES + " ")
    make_decision(rejected, owner, "reject")
    body = client_for(owner).get(f"/api/spans/{source.pk}/similar/").json()
    assert body["span"] == source.pk and body["method"] == "lexical"
    first = body["results"][0]
    assert first["id"] == paraphrase.pk and first["label"] == "claim"
    assert first["editor_url"] == f"/articles/{paraphrase.article_id}/#span-{paraphrase.pk}"
    assert first["project"] == {"id": project.pk, "name": project.name}
    assert rejected.pk not in [row["id"] for row in body["results"]]
    scores = [row["score"] for row in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_numbers_matter():
    assert lexical_score(BUSES, PARAPHRASE) > lexical_score(BUSES, OTHER_NUMBER)


def test_only_projects_the_caller_reads(client_for, owner, outsider, project):
    source = _claim(project, BUSES)
    elsewhere = make_project(outsider, "Elsewhere")
    hidden = _claim(elsewhere, PARAPHRASE)
    results = client_for(owner).get(f"/api/spans/{source.pk}/similar/").json()["results"]
    assert hidden.pk not in [row["id"] for row in results]
    assert client_for(outsider).get(f"/api/spans/{source.pk}/similar/").status_code == 404


def test_non_claim_span_has_no_results(client_for, owner, article):
    span = make_suggestion(article, "speculation", 0, 10)
    assert client_for(owner).get(f"/api/spans/{span.pk}/similar/").json()["results"] == []


def test_bad_params_are_400_with_field_messages(client_for, owner, project):
    source = _claim(project, BUSES)
    response = client_for(owner).get(
        f"/api/spans/{source.pk}/similar/?min_score=2&limit=0&colour=red"
    )
    assert response.status_code == 400
    assert {"colour"} <= set(response.json())
    response = client_for(owner).get(f"/api/spans/{source.pk}/similar/?min_score=2&limit=0")
    assert {"min_score", "limit"} <= set(response.json())
