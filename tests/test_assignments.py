"""Assignment: fair round robin on import, joins, departures and setting changes; skip,
flag, hand-made assignments; the API's roles; blind projects hide other layers."""

from __future__ import annotations

from collections import Counter

import pytest

from articles.errors import DomainError, NotAllowed
from articles.importing import Record
from articles.models import Assignment, Membership, Span
from articles.services import (
    articles_import_unchecked,
    membership_change,
    membership_set,
    project_update,
    review_set_state,
)
from articles.services.assignments import (
    assignment_flag,
    assignment_set,
    assignment_skip,
    assignments_rebalance,
)
from tests.factories import make_human_span, make_suggestion, make_user


def import_articles(project, count: int, start: int = 0) -> list[int]:
    records = [
        Record(where=f"r{i}", text=f"Article {i}. The council met on Monday.", title=f"A{i}")
        for i in range(start, start + count)
    ]
    job = articles_import_unchecked(project=project, records=records, importer=None, pretag=False)
    return list(job.articles.order_by("id").values_list("pk", flat=True))


def editors(project, count: int, prefix: str = "ed") -> list:
    made = []
    for i in range(count):
        user = make_user(f"{prefix}{i}")
        membership_set(project=project, user=user, role="editor")
        made.append(user)
    return made


def open_counts(project) -> Counter:
    rows = Assignment.objects.filter(project=project).with_state().filter(state="assigned")
    counts = Counter(rows.values_list("annotator__username", flat=True))
    pool = Membership.objects.filter(project=project, role="editor")
    return Counter({m.user.username: counts.get(m.user.username, 0) for m in pool})


def active_per_article(project) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for article, name in (
        Assignment.objects.filter(project=project, skipped=False)
        .order_by("article_id", "annotator__username")
        .values_list("article_id", "annotator__username")
    ):
        found.setdefault(article, []).append(name)
    return found


def assert_fair(project, article_ids: list[int], k: int) -> None:
    per_article = active_per_article(project)
    for article_id in article_ids:
        names = per_article.get(article_id, [])
        assert len(names) == k, (article_id, names)
        assert len(set(names)) == k
    counts = open_counts(project)
    assert max(counts.values()) - min(counts.values()) <= 1, counts


@pytest.mark.parametrize(
    ("articles", "k", "people"), [(10, 1, 3), (10, 2, 3), (7, 3, 4), (5, 2, 2)]
)
def test_import_spreads_k_editors_per_article_evenly(project, articles, k, people):
    project_update(project=project, actor=project.created_by, annotators_per_article=k)
    editors(project, people - 1)  # and the cast's teammate
    ids = import_articles(project, articles)
    assert_fair(project, ids, k)
    assert sum(open_counts(project).values()) == articles * k


def test_more_editors_wanted_than_there_are_gives_each_article_everyone(project):
    project_update(project=project, actor=project.created_by, annotators_per_article=5)
    editors(project, 1)
    ids = import_articles(project, 4)
    assert {len(names) for names in active_per_article(project).values()} == {2}
    assert sorted(active_per_article(project)) == ids


def test_a_newcomer_gets_a_fair_share_of_unstarted_work(project, teammate):
    project_update(project=project, actor=project.created_by, annotators_per_article=2)
    editors(project, 1)
    ids = import_articles(project, 9)
    started = Assignment.objects.filter(annotator=teammate).order_by("id").first()
    assert started is not None
    review_set_state(article=started.article, actor=teammate, state="in_progress")
    newcomer = make_user("newcomer")
    membership_change(project=project, actor=project.created_by, user=newcomer, role="editor")
    assert_fair(project, ids, 2)
    assert open_counts(project)["newcomer"] == 6  # 18 open assignments over three editors
    # Work an editor has begun stays theirs.
    assert Assignment.objects.filter(pk=started.pk, annotator=teammate).exists()


def test_a_leaver_s_open_work_goes_to_the_others_and_finished_work_stays(project, teammate):
    project_update(project=project, actor=project.created_by, annotators_per_article=2)
    first, second = editors(project, 2)
    ids = import_articles(project, 12)
    finished = Assignment.objects.filter(annotator=first).order_by("id").first()
    assert finished is not None
    review_set_state(article=finished.article, actor=first, state="done")
    membership_change(project=project, actor=project.created_by, user=first, role=None)
    remaining = Assignment.objects.filter(annotator=first).with_state()
    assert [(row.pk, row.state) for row in remaining] == [(finished.pk, "done")]
    per_article = active_per_article(project)
    assert first.username in per_article[finished.article_id]  # finished work counts
    for article_id in ids:
        assert len(per_article[article_id]) == 2
    counts = open_counts(project)
    assert set(counts) == {"teammate", second.username}
    assert max(counts.values()) - min(counts.values()) <= 1


def test_an_editor_made_reviewer_leaves_the_pool(project, teammate):
    extra = editors(project, 1)[0]
    ids = import_articles(project, 6)
    membership_change(project=project, actor=project.created_by, user=extra, role="reviewer")
    assert not Assignment.objects.filter(annotator=extra).exists()
    assert_fair(project, ids, 1)
    assert open_counts(project) == Counter({"teammate": 6})


def test_changing_k_adds_or_takes_away_assignments(project):
    editors(project, 2)
    ids = import_articles(project, 6)
    assert_fair(project, ids, 1)
    project_update(project=project, actor=project.created_by, annotators_per_article=3)
    assert_fair(project, ids, 3)
    project_update(project=project, actor=project.created_by, annotators_per_article=2)
    assert_fair(project, ids, 2)


def test_rebalancing_twice_changes_nothing(project):
    editors(project, 2)
    import_articles(project, 8)
    before = sorted(Assignment.objects.values_list("article_id", "annotator_id"))
    result = assignments_rebalance(project=project)
    assert (result.created, result.moved, result.removed) == (0, 0, 0)
    assert sorted(Assignment.objects.values_list("article_id", "annotator_id")) == before


def test_a_skipped_article_goes_to_someone_else_never_back(project, teammate):
    other = editors(project, 1)[0]
    import_articles(project, 2)
    mine = Assignment.objects.filter(annotator=teammate).first()
    assert mine is not None
    assignment_skip(article=mine.article, actor=teammate, reason="Not an opinion piece")
    rows = Assignment.objects.filter(article=mine.article).with_state().order_by("id")
    assert [(r.annotator_id, r.state) for r in rows] == [
        (teammate.pk, "skipped"),
        (other.pk, "assigned"),
    ]
    assert rows[0].skip_reason == "Not an opinion piece"
    assignments_rebalance(project=project)
    assert not Assignment.objects.filter(article=mine.article, annotator=teammate, skipped=False)


def test_skip_and_flag_need_an_assignment_and_flag_a_reason(project, teammate, article):
    with pytest.raises(DomainError, match="not assigned to you"):
        assignment_skip(article=article, actor=teammate)
    (imported,) = import_articles(project, 1)
    row = Assignment.objects.get(annotator=teammate, article_id=imported)
    with pytest.raises(DomainError, match="Say what is wrong"):
        assignment_flag(article=row.article, actor=teammate, reason="  ")
    flagged = assignment_flag(article=row.article, actor=teammate, reason="Text is cut off")
    assert (flagged.flag_reason, flagged.skipped) == ("Text is cut off", False)
    assert flagged.flagged_at is not None
    review_set_state(article=row.article, actor=teammate, state="done")
    with pytest.raises(DomainError, match="marked this article done"):
        assignment_skip(article=row.article, actor=teammate)


def test_manual_mode_assigns_nothing_by_itself(project, owner, teammate, reviewer):
    project_update(project=project, actor=owner, distribution="manual")
    ids = import_articles(project, 3)
    assert not Assignment.objects.exists()
    row = assignment_set(
        project=project,
        actor=owner,
        article=project.articles.get(pk=ids[0]),
        annotator=reviewer,
    )
    assert (row.annotator_id, row.by_hand) == (reviewer.pk, True)
    moved = assignment_set(
        project=project,
        actor=owner,
        article=row.article,
        annotator=teammate,
        replace=reviewer,
    )
    assert list(Assignment.objects.values_list("annotator_id", flat=True)) == [teammate.pk]
    assert moved.by_hand


def test_hand_assignments_refuse_what_makes_no_sense(project, owner, teammate, viewer, reviewer):
    ids = import_articles(project, 1)
    article = project.articles.get(pk=ids[0])
    with pytest.raises(NotAllowed, match="does not allow you to assign articles"):
        assignment_set(project=project, actor=teammate, article=article, annotator=reviewer)
    with pytest.raises(DomainError, match="viewer is not an editor"):
        assignment_set(project=project, actor=owner, article=article, annotator=viewer)
    with pytest.raises(DomainError, match="already assigned to teammate"):
        assignment_set(project=project, actor=owner, article=article, annotator=teammate)
    with pytest.raises(DomainError, match="not assigned to owner"):
        assignment_set(
            project=project, actor=owner, article=article, annotator=reviewer, replace=owner
        )
    review_set_state(article=article, actor=teammate, state="done")
    with pytest.raises(DomainError, match="teammate has finished this article"):
        assignment_set(
            project=project, actor=owner, article=article, annotator=reviewer, replace=teammate
        )


def test_balancing_never_moves_a_hand_made_assignment(project, owner, teammate):
    ids = import_articles(project, 4)
    newcomer = make_user("newcomer")
    membership_set(project=project, user=newcomer, role="editor")
    hand = Assignment.objects.filter(annotator=newcomer).first()
    assert hand is not None
    Assignment.objects.filter(pk=hand.pk).update(by_hand=True)
    later = make_user("later")
    membership_set(project=project, user=later, role="editor")
    assert Assignment.objects.get(pk=hand.pk).annotator_id == newcomer.pk
    assert len(active_per_article(project)) == len(ids)


# --- the API ------------------------------------------------------------------------------


def test_api_lists_assignments_by_role_and_filters(client_for, project, owner, teammate):
    other = editors(project, 1)[0]
    import_articles(project, 4)
    url = f"/api/projects/{project.pk}/assignments/"
    mine = client_for(teammate).get(url)
    assert mine.status_code == 200
    assert {row["annotator"] for row in mine.json()["results"]} == {"teammate"}
    everyone = client_for(owner).get(url).json()["results"]
    assert {row["annotator"] for row in everyone} == {"teammate", other.username}
    assert {row["state"] for row in everyone} == {"assigned"}
    narrowed = client_for(owner).get(url, {"annotator": other.username, "state": "assigned"})
    assert {row["annotator"] for row in narrowed.json()["results"]} == {other.username}
    unknown = client_for(owner).get(url, {"annotator": "ghost"})
    assert unknown.status_code == 400
    assert unknown.json() == {"annotator": ["No user named 'ghost'."]}
    bad_state = client_for(owner).get(url, {"state": "lost"})
    assert bad_state.status_code == 400
    assert "state" in bad_state.json()


def test_api_reassigns_by_hand_with_field_errors(client_for, project, owner, teammate, reviewer):
    ids = import_articles(project, 1)
    url = f"/api/projects/{project.pk}/assignments/"
    moved = client_for(owner).post(
        url, {"article": ids[0], "annotator": "reviewer", "replace": "teammate"}, format="json"
    )
    assert moved.status_code == 201
    assert moved.json()["annotator"] == "reviewer"
    assert moved.json()["by_hand"] is True
    assert (
        client_for(teammate).post(url, {"article": ids[0], "annotator": "teammate"}).status_code
        == 403
    )
    missing = client_for(owner).post(
        url, {"article": 999999, "annotator": "teammate"}, format="json"
    )
    assert missing.status_code == 400
    assert missing.json() == {"article": ["No such article in this project."]}
    nobody = client_for(owner).post(url, {"article": ids[0], "annotator": "ghost"}, format="json")
    assert nobody.json() == {"annotator": ["No user with this username."]}


def test_api_skip_and_flag(client_for, project, owner, teammate):
    other = editors(project, 1)[0]
    import_articles(project, 2)
    row = Assignment.objects.filter(annotator=teammate).first()
    assert row is not None
    url = f"/api/articles/{row.article_id}/assignment/"
    flagged = client_for(teammate).post(
        url, {"action": "flag", "reason": "Paywalled"}, format="json"
    )
    assert flagged.status_code == 200
    assert (flagged.json()["flag_reason"], flagged.json()["state"]) == ("Paywalled", "assigned")
    no_reason = client_for(teammate).post(url, {"action": "flag"}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json() == {"reason": ["Say what is wrong with the article."]}
    skipped = client_for(teammate).post(url, {"action": "skip"}, format="json")
    assert skipped.json()["state"] == "skipped"
    assert Assignment.objects.filter(article=row.article, annotator=other, skipped=False).exists()
    admin_view = client_for(owner).get(
        f"/api/projects/{project.pk}/assignments/", {"state": "skipped"}
    )
    assert [(r["annotator"], r["flag_reason"]) for r in admin_view.json()["results"]] == [
        ("teammate", "Paywalled")
    ]


def test_api_project_settings_carry_k(client_for, project, owner):
    url = f"/api/projects/{project.pk}/"
    body = client_for(owner).get(url).json()
    assert (body["annotators_per_article"], body["distribution"], body["blind"]) == (
        1,
        "round_robin",
        True,
    )
    changed = client_for(owner).patch(
        url, {"annotators_per_article": 2, "blind": False}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["annotators_per_article"], changed.json()["blind"]) == (2, False)
    zero = client_for(owner).patch(url, {"annotators_per_article": 0}, format="json")
    assert zero.status_code == 400
    assert zero.json() == {
        "annotators_per_article": ["Ensure this value is greater than or equal to 1."]
    }
    project.refresh_from_db()
    assert project.annotators_per_article == 2


def test_queue_lists_my_assignments_first(client, project, teammate):
    editors(project, 1)
    ids = import_articles(project, 4)
    mine = set(Assignment.objects.filter(annotator=teammate).values_list("article_id", flat=True))
    client.force_login(teammate)
    response = client.get(f"/projects/{project.pk}/")
    order = [article.pk for article in response.context["page"]]
    assert set(order) == set(ids)
    assert set(order[: len(mine)]) == mine


# --- blind projects -----------------------------------------------------------------------


def test_blind_editors_see_only_suggestions_and_their_own_layer(
    client_for, project, article, teammate, owner, reviewer
):
    suggestion = make_suggestion(article, "claim", 0, 41)
    others = make_human_span(article, owner, "quote", 67, 80)
    own = make_human_span(article, teammate, "speculation", 42, 65)
    editor = client_for(teammate)
    listed = {
        row["id"] for row in editor.get("/api/spans/", {"article": article.pk}).json()["results"]
    }
    assert listed == {suggestion.pk, own.pk}
    hidden = editor.get(f"/api/spans/{others.pk}/")
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": ["No such span."]}
    everything = {
        row["id"]
        for row in client_for(reviewer)
        .get("/api/spans/", {"article": article.pk})
        .json()["results"]
    }
    assert everything == {suggestion.pk, others.pk, own.pk}
    project.blind = False
    project.save(update_fields=["blind"])
    assert editor.get(f"/api/spans/{others.pk}/").status_code == 200
    assert Span.objects.count() == 3
