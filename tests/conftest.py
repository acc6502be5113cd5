"""The shared cast: an owner (project admin), a teammate (editor), a reviewer, a viewer, an
outsider and a superuser (an admin of every project without being a member)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from articles.services import membership_set
from articles.serving import served_like_development
from articles.tagging import registry
from tests.factories import make_article, make_project, make_user


@pytest.fixture(autouse=True, scope="session")
def _served_like_development():
    """Tests run with production settings, served over plain HTTP without collectstatic.

    Passwords are hashed with a fast hasher: the production one (PBKDF2) took four fifths of
    the suite's time. Nothing here tests its strength, only that logins work.
    """
    override = served_like_development(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # No embedding tasks from every test that saves a claim (a worker test would load
        # the model for them); the embedding tests turn it on.
        EMBED_CLAIMS=False,
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _tagger_registry():
    """Taggers a test registers are gone after it."""
    registry.available_taggers()  # the built-in ones are registered on first use
    factories, instances = dict(registry._FACTORIES), dict(registry._INSTANCES)
    yield
    registry._FACTORIES.clear()
    registry._FACTORIES.update(factories)
    registry._INSTANCES.clear()
    registry._INSTANCES.update(instances)


@pytest.fixture
def owner(db):
    return make_user("owner")


@pytest.fixture
def teammate(db):
    return make_user("teammate")


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def viewer(db):
    return make_user("viewer")


@pytest.fixture
def reviewer(db):
    return make_user("reviewer")


@pytest.fixture
def superuser(db):
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def project(owner, teammate, reviewer, viewer):
    project = make_project(owner, name="Opinion desk")
    membership_set(project=project, user=teammate, role="editor")
    membership_set(project=project, user=reviewer, role="reviewer")
    membership_set(project=project, user=viewer, role="viewer")
    return project


@pytest.fixture
def article(project):
    return make_article(
        project,
        "Officials said the bridge opened in 2019. It may close next year.\n"
        '"We are ready," said Ana Lima.',
        title="Bridge",
    )


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client authenticated as that user."""

    def build(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return build


@pytest.fixture(autouse=True)
def _import_storage(settings, tmp_path_factory):
    """Each test's uploads in a folder of its own (the imports storage)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("imports"))},
        },
    }
