"""Training a project's re-scorer from its editors' decisions: what is read, the versions, the
API (members read, editors train, admins activate), retraining after N decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test.utils import override_settings
from django.utils import timezone

from articles.errors import DomainError, NotAllowed
from articles.models import Span, TaggerCounter, TaggerVersion
from articles.selectors.tagger import training_articles
from articles.services import (
    article_pretag,
    project_update,
    review_set_state,
    span_create,
    span_decide,
    span_update,
)
from articles.services.training import tagger_activate, tagger_train, training_request
from articles.tagging.evaluation import iou
from articles.tagging.rescoring import prepare
from articles.tagging.rules import RulesTagger
from articles.tagging.training import TrainingArticle, outcomes
from tests.factories import label, make_article
from tests.learning_data import corpus

RULES_ID = f"rules@{RulesTagger.version}"


def play_editor(article, editor, gold):
    """Decide every suggestion by the gold (accept exact, fix boundaries, reject the rest),
    draw what is missing, mark the article done."""
    left = list(gold)
    for suggestion in Span.objects.suggestions().filter(article=article).select_related("label"):
        match = next(
            (
                g
                for g in left
                if g["label"] == suggestion.label.name
                and iou((g["start"], g["end"]), (suggestion.start, suggestion.end)) >= 0.5
            ),
            None,
        )
        if match is None:
            span_decide(span=suggestion, actor=editor, decision="reject")
            continue
        left.remove(match)
        if (match["start"], match["end"]) == (suggestion.start, suggestion.end):
            span_decide(span=suggestion, actor=editor, decision="accept")
        else:
            span_update(
                span=suggestion, actor=editor, version=1, start=match["start"], end=match["end"]
            )
    for g in left:
        span_create(
            article=article,
            label=label(article.project, g["label"]),
            start=g["start"],
            end=g["end"],
            actor=editor,
        )
    review_set_state(article=article, actor=editor, state="done")


def decided_project(project, editor, count):
    for record in corpus(count):
        article = make_article(project, record["text"], title=record["id"])
        article_pretag(article=article)
        play_editor(article, editor, record["spans"])


def trained(project, actor):
    version = training_request(project=project, actor=actor)
    return tagger_train(version_id=version.pk)


@pytest.mark.django_db
def test_each_layer_is_read_as_its_editor_left_it(project, teammate, reviewer):
    text = "The council met on Monday. It may close the pool. Taxes rose by a tenth in May."
    article = make_article(project, text)
    article_pretag(article=article)
    suggestions = {
        s.text: s
        for s in Span.objects.suggestions().filter(article=article).select_related("label")
    }
    met = suggestions["The council met on Monday."]
    pool = suggestions["It may close the pool."]
    taxes = suggestions["Taxes rose by a tenth in May."]
    span_decide(span=met, actor=teammate, decision="accept")
    span_decide(span=pool, actor=teammate, decision="reject")
    span_update(span=taxes, actor=teammate, version=1, end=text.index(" in May"))
    drawn = span_create(
        article=article, label=label(project, "claim"), start=33, end=48, actor=teammate
    )
    review_set_state(article=article, actor=teammate, state="done")
    # a second editor relabels one suggestion and has not finished
    span_update(span=met, actor=reviewer, version=1, label=label(project, "speculation"))

    found = {a.key.split("/")[1]: a for a in training_articles(project=project, limit=10)}
    mine, theirs = found[str(teammate.pk)], found[str(reviewer.pk)]
    assert mine.truth is not None
    assert sorted((s["label"], s["start"], s["end"]) for s in mine.truth) == sorted(
        [
            ("claim", met.start, met.end),
            ("claim", taxes.start, text.index(" in May")),
            ("claim", drawn.start, drawn.end),
        ]
    )
    assert mine.decided == {
        (met.label.name, met.start, met.end): True,
        (pool.label.name, pool.start, pool.end): False,
        (taxes.label.name, taxes.start, taxes.end): True,
    }
    assert theirs.truth is None
    assert theirs.decided == {("claim", met.start, met.end): False}


@pytest.mark.django_db
def test_the_task_reads_what_the_simulated_editor_decides(project, teammate):
    decided_project(project, teammate, 2)
    from_db = sorted(training_articles(project=project, limit=10), key=lambda a: a.text)
    from_gold = sorted(
        (TrainingArticle(r["id"], r["text"], tuple(r["spans"])) for r in corpus(2)),
        key=lambda a: a.text,
    )
    for db, gold in zip(from_db, from_gold, strict=True):
        candidates = prepare(gold.text)
        assert [(e.candidate, e.kept) for e in outcomes(db, candidates)] == [
            (e.candidate, e.kept) for e in outcomes(gold, candidates)
        ]


@pytest.mark.django_db
def test_a_trained_version_becomes_the_projects_pretagger(project, teammate, owner):
    decided_project(project, teammate, 12)
    version = trained(project, teammate)
    assert (version.state, version.active, version.number) == ("done", True, 1)
    assert version.training_size["complete_articles"] == 12
    assert version.quality["model"]["effort"] < version.quality["rules"]["effort"]
    assert version.model["labels"].keys() == {"claim", "speculation"}

    fresh = make_article(project, corpus(13)[12]["text"])
    article_pretag(article=fresh)
    shown = Span.objects.suggestions().filter(article=fresh).select_related("label")
    assert {s.tagger_version for s in shown} == {f"{RULES_ID}+p{project.pk}v1"}
    assert fresh.__class__.objects.get(pk=fresh.pk).pretag_tagger == f"{RULES_ID}+p{project.pk}v1"
    assert not any(s.text.startswith("Lorem") for s in shown)
    assert any(s.label.name == "speculation" and "surely" in s.text for s in shown)

    # rolled back to the rules alone, a re-run suggests what the rules suggest
    tagger_activate(project=project, actor=owner, number=None)
    article_pretag(article=fresh)
    again = Span.objects.suggestions().filter(article=fresh)
    assert {s.tagger_version for s in again} == {RULES_ID}
    assert any(s.text.startswith("Lorem") for s in again)


@pytest.mark.django_db
def test_roll_back_to_an_earlier_version(project, teammate, owner):
    decided_project(project, teammate, 6)
    first = trained(project, teammate)
    second = trained(project, teammate)
    assert second.number == 2 and second.active
    tagger_activate(project=project, actor=owner, number=1)
    assert list(TaggerVersion.objects.filter(active=True).values_list("number", flat=True)) == [1]
    first.refresh_from_db()
    assert first.active
    with pytest.raises(NotAllowed, match="choose its tagger version"):
        tagger_activate(project=project, actor=teammate, number=2)


@pytest.mark.django_db
def test_training_needs_decisions_and_the_rules_tagger(project, teammate, owner, viewer):
    with pytest.raises(DomainError, match="Nothing to learn from yet"):
        training_request(project=project, actor=teammate)
    with pytest.raises(NotAllowed, match="train its tagger"):
        training_request(project=project, actor=viewer)
    project_update(project=project, actor=owner, tagger="http")
    with pytest.raises(DomainError, match="only the rules tagger is re-scored"):
        training_request(project=project, actor=teammate)


@pytest.mark.django_db
def test_one_training_at_a_time_and_a_lost_one_is_replaced(project, teammate):
    decided_project(project, teammate, 1)
    first = training_request(project=project, actor=teammate)
    assert training_request(project=project, actor=teammate) == first
    TaggerVersion.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=1))
    second = training_request(project=project, actor=teammate)
    first.refresh_from_db()
    assert (first.state, second.number) == ("failed", 2)
    assert "Lost" in first.error
    assert tagger_train(version_id=first.pk) is None  # no longer pending: left alone


@pytest.mark.django_db
def test_one_complete_article_trains_a_version_kept_inactive(project, teammate):
    decided_project(project, teammate, 1)
    version = trained(project, teammate)
    assert (version.state, version.active, version.quality) == ("done", False, None)


@pytest.mark.django_db
@override_settings(TAGGER_RETRAIN_EVERY=3)
def test_every_n_decisions_queue_a_training(project, teammate, django_capture_on_commit_callbacks):
    article = make_article(
        project, "One fact here. Another fact there. A third fact now. A fourth fact later."
    )
    article_pretag(article=article)
    suggestions = list(Span.objects.suggestions().filter(article=article).order_by("start"))
    assert len(suggestions) == 4
    with django_capture_on_commit_callbacks(execute=True):
        span_decide(span=suggestions[0], actor=teammate, decision="accept")
        span_decide(span=suggestions[1], actor=teammate, decision="reject")
    assert TaggerCounter.objects.get(project=project).since_training == 2
    assert not TaggerVersion.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        span_decide(span=suggestions[2], actor=teammate, decision="accept")
    version = TaggerVersion.objects.get()
    assert (version.trigger, version.state, version.created_by) == ("auto", "pending", None)
    assert TaggerCounter.objects.get(project=project).since_training == 0
    # While that training is pending, decisions count towards the next one.
    with django_capture_on_commit_callbacks(execute=True):
        span_decide(span=suggestions[3], actor=teammate, decision="accept")
    assert TaggerCounter.objects.get(project=project).since_training == 1
    assert TaggerVersion.objects.count() == 1


@pytest.mark.django_db
@override_settings(TAGGER_RETRAIN_EVERY=3)
def test_a_decision_rolled_back_does_not_count(
    project, teammate, django_capture_on_commit_callbacks
):
    article = make_article(project, "One fact here. Another fact there.")
    article_pretag(article=article)
    first = Span.objects.suggestions().filter(article=article).first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        span_decide(span=first, actor=teammate, decision="accept")
        with pytest.raises(DomainError):
            span_decide(span=first, actor=teammate, decision="accept")  # a second decision
    assert len(callbacks) == 1
    assert TaggerCounter.objects.get(project=project).since_training == 1


# --- the API -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_members_read_the_versions_outsiders_do_not(
    project, teammate, viewer, outsider, client_for
):
    decided_project(project, teammate, 4)
    trained(project, teammate)
    answer = client_for(viewer).get(f"/api/projects/{project.pk}/tagger/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["tagger"] == f"{RULES_ID}+p{project.pk}v1"
    assert body["active"] == 1 and body["decisions_since_training"] == 0
    (version,) = body["versions"]
    assert version["name"] == f"p{project.pk}v1" and version["state"] == "done"
    assert version["training_size"]["complete_articles"] == 4
    assert set(version["quality"]) == {"articles", "folds", "rules", "model"}
    assert "model" not in version and "weights" not in str(version)
    assert client_for(outsider).get(f"/api/projects/{project.pk}/tagger/").status_code == 404


@pytest.mark.django_db
def test_editors_ask_for_a_training(project, teammate, viewer, client_for):
    url = f"/api/projects/{project.pk}/tagger/train/"
    empty = client_for(teammate).post(url, {}, format="json")
    assert empty.status_code == 400
    assert "Nothing to learn from yet" in empty.json()["non_field_errors"][0]
    decided_project(project, teammate, 1)
    assert client_for(viewer).post(url, {}, format="json").status_code == 403
    bad = client_for(teammate).post(url, {"articles": 0}, format="json")
    assert bad.status_code == 400 and "articles" in bad.json()
    queued = client_for(teammate).post(url, {"articles": 5}, format="json")
    assert queued.status_code == 202
    assert queued.json()["state"] == "pending" and queued.json()["trigger"] == "manual"
    assert TaggerVersion.objects.get().training_size == {"limit": 5}


@pytest.mark.django_db
def test_admins_activate_roll_back_or_use_the_rules_alone(project, owner, teammate, client_for):
    decided_project(project, teammate, 4)
    trained(project, teammate)
    pending = training_request(project=project, actor=teammate)
    url = f"/api/projects/{project.pk}/tagger/activate/"
    assert client_for(teammate).post(url, {"version": 1}, format="json").status_code == 403
    none = client_for(owner).post(url, {"version": None}, format="json")
    assert none.status_code == 200
    assert (none.json()["active"], none.json()["tagger"]) == (None, RULES_ID)
    back = client_for(owner).post(url, {"version": 1}, format="json")
    assert back.status_code == 200 and back.json()["active"] == 1
    unknown = client_for(owner).post(url, {"version": 9}, format="json")
    assert unknown.status_code == 404
    untrained = client_for(owner).post(url, {"version": pending.number}, format="json")
    assert untrained.status_code == 400
    assert untrained.json() == {"version": [f"Version {pending.number} is pending, not trained."]}
    typo = client_for(owner).post(url, {"version": "latest"}, format="json")
    assert typo.status_code == 400 and "version" in typo.json()
