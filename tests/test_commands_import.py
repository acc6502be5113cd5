"""import_articles: files and folders into a (new) project, progress on stderr, atomic errors."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ImportJob, Project


def test_import_files_creates_project_and_reports(tmp_path, db):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"title": "One", "text": "The port closed on Sunday."})
        + "\n"
        + json.dumps({"title": "Dup", "text": "The port closed on Sunday."})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_bytes("Two\r\nThe ferry may resume soon.".encode("utf-16"))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", str(tmp_path), "--project", "CLI desk", stdout=out, stderr=err)
    project = Project.objects.get(name="CLI desk")
    assert {a.title for a in Article.objects.filter(project=project)} == {"One", "Two"}
    assert Article.objects.get(title="Two").text == "The ferry may resume soon."
    assert set(project.labels.values_list("name", flat=True)) == {"claim", "quote", "speculation"}
    assert "2 created, 1 duplicates skipped, 3 read" in out.getvalue()
    assert "a.jsonl line 2" in out.getvalue()
    # One progress line, redrawn in place: records read, rate, elapsed time.
    assert re.fullmatch(r"\r3 read  [\d,]+/s  \d+\.\ds\n", err.getvalue()), err.getvalue()


def test_bad_line_fails_with_line_number_and_writes_nothing(tmp_path, db):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "Fine."}\n{"text": "Also fine."}\nnot json\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.jsonl line 3: invalid JSON"):
        call_command(
            "import_articles",
            str(path),
            "--project",
            "Atomic",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Article.objects.exists()


def test_missing_path(db):
    with pytest.raises(CommandError, match=r"^/nonexistent/x\.jsonl: no such file or directory\.$"):
        call_command("import_articles", "/nonexistent/x.jsonl", "--project", "P")


def test_a_named_user_needs_a_role_that_may_import(tmp_path, project, viewer):
    path = tmp_path / "a.txt"
    path.write_text("Title\nThe port closed on Sunday.", encoding="utf-8")
    with pytest.raises(
        CommandError,
        match=r"^Import failed, nothing was written: Your role in this project does not allow "
        r"you to import articles\.$",
    ):
        call_command(
            "import_articles",
            str(path),
            "--project",
            project.name,
            "--user",
            "viewer",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Article.objects.exists() and not ImportJob.objects.exists()
