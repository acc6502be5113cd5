"""Login, logout, health, and that pages respect membership."""

from django.urls import reverse

from tests.factories import PASSWORD


def test_login_page_renders_our_template(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_login_then_see_project(client, owner, project, article):
    response = client.post(
        "/accounts/login/", {"username": "owner", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert project.name.encode() in response.content
    page = client.get(reverse("articles:article_list", args=[project.pk]))
    assert page.status_code == 200 and b"Bridge" in page.content


def test_logout_is_post_and_ends_session(client, owner):
    client.force_login(owner)
    assert client.get("/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # a link cannot log you out
    response = client.post("/accounts/logout/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    after = client.get("/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")


def test_outsider_cannot_see_project(client, outsider, project, article):
    client.force_login(outsider)
    assert client.get(reverse("articles:article_list", args=[project.pk])).status_code == 404
    assert client.get(reverse("articles:article_detail", args=[article.pk])).status_code == 404


def test_anonymous_redirected_to_login(client, project):
    response = client.get(reverse("articles:article_list", args=[project.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_reports_broken_broker(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
