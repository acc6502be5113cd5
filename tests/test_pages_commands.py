"""What a newcomer runs: the demo accounts of ``make run``, its address, and management
commands that say in one line which setting is missing."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.management.commands.run_embedded import parse_addr
from articles.models import Article, Membership, Project

REPO = Path(__file__).resolve().parents[1]


def setup_demo(**options) -> list[str]:
    out = io.StringIO()
    call_command("setup_demo", stdout=out, **options)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_setup_demo_makes_a_plain_editor_and_a_separate_admin():
    lines = setup_demo()
    users = get_user_model().objects
    editor, admin = users.get(username="editor"), users.get(username="admin")
    assert (editor.is_superuser, editor.is_staff) == (False, False)
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    assert lines[0] == (
        "Demo editor: username 'editor', password 'annotate-demo' — sign in as this one to "
        "annotate."
    )
    assert lines[1].startswith("Demo admin: username 'admin', password '")
    printed = lines[1].split("password '", 1)[1].split("'", 1)[0]
    assert len(printed) >= 12 and admin.check_password(printed)
    assert editor.check_password("annotate-demo")
    project = Project.objects.get(name="Demo: opinion columns")
    roles = dict(Membership.objects.filter(project=project).values_list("user__username", "role"))
    assert roles == {"admin": "admin", "editor": "editor"}
    assert Article.objects.filter(project=project).count() == 1


@pytest.mark.django_db
def test_setup_demo_again_changes_nothing_and_prints_no_password():
    setup_demo()
    again = setup_demo()
    assert again[0] == "Demo editor: username 'editor' — sign in as this one to annotate."
    assert again[1].startswith(
        "Demo admin: username 'admin' (its password was printed when it was created; "
        "`manage.py changepassword admin` sets a new one)"
    )
    assert get_user_model().objects.count() == 2
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_setup_demo_turns_an_old_superuser_editor_into_an_editor():
    get_user_model().objects.create_user("editor", password="x", is_superuser=True, is_staff=True)
    lines = setup_demo()
    editor = get_user_model().objects.get(username="editor")
    assert not editor.is_superuser and not editor.is_staff
    assert "(was a superuser: now a plain editor)" in lines[0]


@pytest.mark.parametrize(
    ("given", "parsed"),
    [
        ("8080", ("127.0.0.1", 8080)),
        ("0.0.0.0:8000", ("0.0.0.0", 8000)),
        ("localhost:9000", ("localhost", 9000)),
        ("[::1]:8001", ("::1", 8001)),
    ],
)
def test_make_run_addresses(given, parsed):
    assert parse_addr(given) == parsed


@pytest.mark.parametrize(
    "given", ["", "eighty", "127.0.0.1:", "127.0.0.1:70000", ":8000", "a b:80"]
)
def test_a_bad_address_names_addr(given):
    with pytest.raises(CommandError, match=r"^ADDR=.* is not an address: use PORT"):
        parse_addr(given)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("variables", "addr"),
    [
        ([], "127.0.0.1:8000"),
        (["PORT=9001"], "127.0.0.1:9001"),
        (["ADDR=0.0.0.0:8080"], "0.0.0.0:8080"),
    ],
)
def test_make_run_passes_the_address(variables, addr):
    # Not the caller's make settings either: under `make test` a nested make would print
    # "Entering/Leaving directory" lines around its plan.
    ignored = ("PORT", "ADDR", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    plan = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "run", *variables],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    [command] = [line for line in plan.splitlines() if "run_embedded" in line]
    assert command.endswith(f"manage.py run_embedded --addr {addr}")


def test_a_missing_setting_is_one_line_not_a_traceback(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "setup_demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "manage.py: Set the SECRET_KEY environment variable. "
        "(settings come from the environment: README, Configuration)\n"
    )
    bad = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "check"],
        cwd=tmp_path,
        env={**env, "DEBUG": "maybe"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (bad.returncode, bad.stderr.count("\n")) == (2, 1)
    assert "DEBUG='maybe' is not a boolean" in bad.stderr
