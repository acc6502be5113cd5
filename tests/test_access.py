"""Who may see or do what: one query per lookup, 404 for outsiders, 403 below the role."""

from __future__ import annotations

import pytest

from articles.access import (
    access_article,
    access_project,
    access_span,
    lock_article,
    require_role,
    role_in,
)
from articles.errors import NotAllowed, NotFound
from articles.models import Project, Role
from tests.factories import make_project, make_suggestion, make_user


def test_each_member_gets_their_role_in_one_query(
    project, owner, teammate, reviewer, viewer, django_assert_num_queries
):
    for user, role in [
        (owner, Role.ADMIN),
        (teammate, Role.EDITOR),
        (reviewer, Role.REVIEWER),
        (viewer, Role.VIEWER),
    ]:
        with django_assert_num_queries(1):
            found, got = access_project(user, project.pk)
        assert (found, got, found.my_role) == (project, role, role)


def test_outsiders_and_missing_objects_are_404_alike(project, outsider, article):
    span = make_suggestion(article, "claim", 0, 10)
    for call in (
        lambda: access_project(outsider, project.pk),
        lambda: access_article(outsider, article.pk),
        lambda: access_span(outsider, span.pk),
    ):
        with pytest.raises(NotFound, match=r"^No such (project|article|span)\.$"):
            call()
    with pytest.raises(NotFound, match=r"^No such article\.$"):
        access_article(outsider, article.pk + 1000)


def test_below_the_role_is_403_naming_the_action(project, viewer, reviewer, article):
    with pytest.raises(NotAllowed, match="does not allow you to edit spans") as caught:
        access_article(viewer, article.pk, at_least=Role.EDITOR, action="edit spans")
    assert caught.value.status_code == 403
    found, role = access_article(reviewer, article.pk, at_least=Role.EDITOR)
    assert (found, role) == (article, Role.REVIEWER)


def test_superuser_is_admin_of_every_project_without_membership(superuser, owner):
    other = make_project(owner, name="Someone else's desk")
    found, role = access_project(superuser, other.pk, at_least=Role.ADMIN)
    assert (found, role) == (other, Role.ADMIN)
    assert role_in(superuser, Project.objects.get(pk=other.pk)) == Role.ADMIN
    assert list(Project.objects.visible_to(superuser)) == [other]


def test_the_role_found_is_remembered_for_the_services(
    project, teammate, article, django_assert_num_queries
):
    found, _ = access_article(teammate, article.pk)
    with django_assert_num_queries(0):
        assert require_role(teammate, found.project, Role.EDITOR, "edit") == Role.EDITOR
    # Remembered for that user only: another user's check queries again.
    other = make_user("latecomer")
    with (
        django_assert_num_queries(1),
        pytest.raises(
            NotAllowed, match=r"^Your role in this project does not allow you to read\.$"
        ),
    ):
        require_role(other, found.project, Role.VIEWER, "read")


def test_lock_checks_the_role_in_the_same_query(
    project, viewer, teammate, article, django_assert_num_queries
):
    fresh = type(article).objects.get(pk=article.pk)
    with django_assert_num_queries(2):  # the article's project, then lock and role at once
        assert lock_article(teammate, fresh, at_least=Role.EDITOR, action="x") == Role.EDITOR
    with pytest.raises(NotAllowed, match="does not allow you to annotate"):
        lock_article(viewer, article, at_least=Role.EDITOR, action="annotate")


def test_anonymous_users_see_nothing(project, article):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound, match=r"^No such project\.$"):
        access_project(AnonymousUser(), project.pk)
    assert role_in(AnonymousUser(), project) is None
