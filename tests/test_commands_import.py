"""import_articles: files and folders into a (new) project, progress on stderr, atomic errors."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Project


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
    assert "3 read" in err.getvalue() or "/s" in err.getvalue()


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
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_articles", "/nonexistent/x.jsonl", "--project", "P")
