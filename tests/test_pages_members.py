"""Members page: add by username or e-mail, change roles, remove, the last admin stays;
accounts for newcomers with a one-time password or an invitation link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from articles.models import Membership
from tests.factories import make_user


def members_url(project) -> str:
    return reverse("articles:project_members", args=[project.pk])


def member_url(project, username: str) -> str:
    return reverse("articles:project_member", args=[project.pk, username])


def role_of(project, username: str) -> str | None:
    row = Membership.objects.filter(project=project, user__username=username).first()
    return row.role if row else None


def test_members_see_the_list_only_admins_manage(client, viewer, owner, outsider, project):
    client.force_login(viewer)
    page = client.get(members_url(project))
    assert page.status_code == 200
    assert [m.user.username for m in page.context["memberships"]] == [
        "owner",
        "teammate",
        "reviewer",
        "viewer",
    ]
    assert b"Add member" not in page.content and b"Save role" not in page.content
    refused = client.post(members_url(project), {"user": "outsider", "role": "editor"})
    assert refused.status_code == 403
    assert role_of(project, "outsider") is None
    client.force_login(owner)
    assert b"Add member" in client.get(members_url(project)).content


def test_add_by_username_or_email(client, owner, project, db):
    make_user("ana", email="Ana.Lima@example.org")
    make_user("omar")
    client.force_login(owner)
    by_name = client.post(members_url(project), {"user": "omar", "role": "viewer"})
    assert (by_name.status_code, by_name["Location"]) == (302, members_url(project))
    by_mail = client.post(
        members_url(project), {"user": "ana.lima@EXAMPLE.org ", "role": "reviewer"}
    )
    assert by_mail.status_code == 302
    assert (role_of(project, "omar"), role_of(project, "ana")) == ("viewer", "reviewer")
    assert b"ana is now reviewer of this project." in client.get(members_url(project)).content


def test_unknown_or_ambiguous_person_is_a_field_error(client, owner, project, db):
    make_user("one", email="desk@example.org")
    make_user("two", email="DESK@example.org")
    client.force_login(owner)
    unknown = client.post(members_url(project), {"user": "nobody@example.org", "role": "editor"})
    assert unknown.status_code == 400
    assert unknown.context["add_form"].errors == {
        "user": [
            "No account has the username or e-mail address 'nobody@example.org'; an admin "
            "can create one below."
        ]
    }
    shared = client.post(members_url(project), {"user": "desk@example.org", "role": "editor"})
    assert shared.status_code == 400
    assert shared.context["add_form"].errors == {
        "user": ["Several accounts use this e-mail address; give the username instead."]
    }
    bad_role = client.post(members_url(project), {"user": "one", "role": "owner"})
    assert bad_role.status_code == 400
    assert list(bad_role.context["add_form"].errors) == ["role"]
    assert role_of(project, "one") is None and role_of(project, "two") is None


def test_change_a_role_then_remove_the_member(client, owner, project):
    client.force_login(owner)
    changed = client.post(member_url(project, "viewer"), {"role": "editor"})
    assert (changed.status_code, changed["Location"]) == (302, members_url(project))
    assert role_of(project, "viewer") == "editor"
    removed = client.post(member_url(project, "viewer"), {"remove": "1"})
    assert removed.status_code == 302
    assert role_of(project, "viewer") is None
    assert b"Removed viewer from the project." in client.get(members_url(project)).content
    gone = client.post(member_url(project, "viewer"), {"role": "editor"})
    assert gone.status_code == 404


def test_the_last_admin_stays(client, owner, project):
    client.force_login(owner)
    demoted = client.post(member_url(project, "owner"), {"role": "editor"})
    assert demoted.status_code == 400
    assert demoted.context["row_errors"] == {"owner": "A project keeps at least one admin."}
    assert b"A project keeps at least one admin." in demoted.content
    left = client.post(member_url(project, "owner"), {"remove": "1"})
    assert left.status_code == 400
    assert role_of(project, "owner") == "admin"
    nonsense = client.post(member_url(project, "teammate"), {"role": "boss"})
    assert nonsense.status_code == 400
    assert nonsense.context["row_errors"] == {"teammate": "Choose one of the roles."}
    assert role_of(project, "teammate") == "editor"


def test_an_admin_who_leaves_goes_back_to_the_project_list(client, owner, teammate, project):
    client.force_login(owner)
    assert client.post(member_url(project, "teammate"), {"role": "admin"}).status_code == 302
    left = client.post(member_url(project, "owner"), {"remove": "1"})
    assert (left.status_code, left["Location"]) == (302, "/")
    assert role_of(project, "owner") is None
    assert client.get(members_url(project)).status_code == 404


def test_new_account_with_a_one_time_password_signs_in(client, owner, project):
    client.force_login(owner)
    url = reverse("articles:project_account_new", args=[project.pk])
    assert client.get(url).status_code == 200
    created = client.post(
        url,
        {
            "username": "newcomer",
            "email": "new@example.org",
            "role": "editor",
            "access": "password",
        },
    )
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    password = created.context["account"].password
    assert re.fullmatch(r"[\w-]{16}", password)
    assert password in created.content.decode()
    assert b'data-copy="#secret"' in created.content
    assert role_of(project, "newcomer") == "editor"
    fresh = Client()
    assert fresh.login(username="newcomer", password=password)
    assert project.name.encode() in fresh.get("/").content


def test_new_account_with_an_invitation_link_used_once(client, owner, project):
    client.force_login(owner)
    url = reverse("articles:project_account_new", args=[project.pk])
    created = client.post(
        url, {"username": "invitee", "email": "", "role": "viewer", "access": "invite"}
    )
    assert created.status_code == 200
    link = created.context["link"]
    assert link.startswith("http://testserver/invitations/")
    assert link in created.content.decode()
    user = get_user_model().objects.get(username="invitee")
    assert not user.has_usable_password()
    guest = Client()
    form = guest.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"] is True
    assert b"Choose your password" in form.content
    target = form.redirect_chain[-1][0]  # the link's token moves into the session
    weak = guest.post(target, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200 and "new_password2" in weak.context["form"].errors
    done = guest.post(
        target, {"new_password1": "tidal-harbour-lantern", "new_password2": "tidal-harbour-lantern"}
    )
    assert (done.status_code, done["Location"]) == (302, "/")
    home = guest.get("/").content.decode()  # signed in, with a word of welcome
    assert project.name in home
    assert "Welcome! Your password is set and you are signed in." in home
    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert b"This invitation no longer works" in again.content


def test_a_reset_token_is_not_an_invitation(client, owner, project):
    from django.contrib.auth.tokens import default_token_generator

    from articles.services.accounts import invitation_path

    user = make_user("target")
    uidb64, _ = invitation_path(user)
    forged = reverse("articles:invitation", args=[uidb64, default_token_generator.make_token(user)])
    assert Client().get(forged, follow=True).context["validlink"] is False


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"username": "owner"}, {"username": ["This username is taken."]}),
        ({"username": "has space"}, "username"),
        (
            {"username": "fresh", "email": "taken@example.org"},
            {"email": ["Another account uses this e-mail address: add it as a member instead."]},
        ),
        ({"username": "fresh", "access": "telepathy"}, "access"),
    ],
)
def test_account_form_refusals(client, owner, project, values, errors):
    make_user("holder", email="Taken@example.org")
    client.force_login(owner)
    url = reverse("articles:project_account_new", args=[project.pk])
    before = get_user_model().objects.count()
    data = {"email": "", "role": "editor", "access": "password", **values}
    response = client.post(url, data)
    assert response.status_code == 400
    found = response.context["form"].errors
    if isinstance(errors, str):
        assert list(found) == [errors]
    else:
        assert found == errors
    assert get_user_model().objects.count() == before


def test_only_admins_create_accounts(client, teammate, project):
    client.force_login(teammate)
    url = reverse("articles:project_account_new", args=[project.pk])
    assert client.get(url).status_code == 403
    refused = client.post(url, {"username": "sneaky", "role": "admin", "access": "password"})
    assert refused.status_code == 403
    assert not get_user_model().objects.filter(username="sneaky").exists()
