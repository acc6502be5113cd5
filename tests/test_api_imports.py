"""Import and pre-tag API: one article, files, URL, progress, re-runs, roles, errors."""

from __future__ import annotations

import json

from django.core.files.storage import filesystem as storage_module
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings

from articles.models import Article, ImportJob
from tests.factories import run_imports
from tests.httpserver import serve

BODY = "The mayor said that the tunnel will open in June. It could be delayed."


def test_post_one_article_returns_the_article_and_its_job(
    client_for, teammate, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(teammate).post(
            f"/api/projects/{project.pk}/articles/",
            {"title": "Tunnel", "text": BODY, "meta": {"section": "city"}},
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    job = body["import_job"]
    assert job["created_count"] == 1 and job["pretag"]["pending"] == 1
    article = Article.objects.get(pk=job["article_ids"][0])
    assert (article.title, article.meta["section"]) == ("Tunnel", "city")
    assert body["article"]["id"] == article.pk and body["article"]["text"] == BODY
    assert body["article"]["review_state"] == "new" and body["article"]["pretag_state"] == "pending"
    assert [label["name"] for label in body["article"]["labels"]] == [
        "claim",
        "quote",
        "speculation",
    ]
    assert len(callbacks) == 1


def test_duplicate_article_is_409(client_for, owner, article):
    response = client_for(owner).post(
        f"/api/projects/{article.project_id}/articles/", {"text": article.text}, format="json"
    )
    assert response.status_code == 409
    assert f"already article {article.pk}" in response.json()["text"][0]


def test_missing_text_is_field_error(client_for, owner, project):
    response = client_for(owner).post(f"/api/projects/{project.pk}/articles/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"text": ["This field is required."]}


def test_viewer_gets_403_outsider_404(client_for, viewer, outsider, project):
    url = f"/api/projects/{project.pk}/articles/"
    assert client_for(viewer).post(url, {"text": BODY}, format="json").status_code == 403
    assert client_for(outsider).post(url, {"text": BODY}, format="json").status_code == 404
    assert client_for(viewer).post(f"/api/projects/{project.pk}/pretag/").status_code == 403
    assert not ImportJob.objects.exists() and not Article.objects.exists()


def test_upload_jsonl_is_202_and_its_job_reports_the_result(
    client_for, owner, project, django_capture_on_commit_callbacks
):
    lines = [{"title": f"T{i}", "text": f"{BODY} Number {i}."} for i in range(3)]
    lines.append(lines[0])
    upload = SimpleUploadedFile(
        "batch.jsonl", "\n".join(json.dumps(x) for x in lines).encode(), "application/jsonl"
    )
    client = client_for(owner)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            f"/api/projects/{project.pk}/imports/", {"file": upload}, format="multipart"
        )
    assert response.status_code == 202, response.json()
    job = response.json()
    assert (job["state"], job["url"], len(queued)) == ("pending", f"/api/imports/{job['id']}/", 1)
    stored = ImportJob.objects.get(pk=job["id"]).file_name
    assert storages["imports"].exists(stored)
    run_imports()
    progress = client.get(job["url"]).json()
    assert (progress["state"], progress["processed"], progress["total"]) == ("done", 4, 4)
    assert (progress["created_count"], progress["duplicate_count"]) == (3, 1)
    assert progress["duplicates"][0]["where"] == "batch.jsonl line 4"
    assert progress["pretag"] == {"pending": 3, "running": 0, "done": 0, "failed": 0}
    assert not storages["imports"].exists(stored)  # the upload goes with its job


def test_bad_line_fails_the_job_with_line_and_field_and_nothing_written(client_for, owner, project):
    data = b'{"text": "A fine first article."}\n{"text": ""}\n'
    client = client_for(owner)
    response = client.post(
        f"/api/projects/{project.pk}/imports/",
        {"file": SimpleUploadedFile("b.jsonl", data)},
        format="multipart",
    )
    assert response.status_code == 202
    stored = ImportJob.objects.get().file_name
    run_imports()
    job = client.get(response.json()["url"]).json()
    assert (job["state"], job["error"]) == ("failed", "b.jsonl line 2: field 'text' is empty.")
    assert (job["error_field"], job["error_line"]) == ("text", 2)
    assert not Article.objects.filter(project=project).exists()
    assert not storages["imports"].exists(stored)


def test_a_bad_record_late_in_a_file_leaves_nothing_of_earlier_batches(
    client_for, owner, project, settings
):
    """The first pass finds the bad record before anything is written; the write pass is
    one transaction however many batches it takes."""
    settings.IMPORT_BATCH_SIZE = 2
    lines = [json.dumps({"text": f"{BODY} Number {i}."}) for i in range(7)]
    lines.append(json.dumps({"text": "Spans.", "spans": [{"start": 0, "end": 99}]}))
    client_for(owner).post(
        f"/api/projects/{project.pk}/imports/",
        "\n".join(lines),
        content_type="application/x-ndjson",
        QUERY_STRING="name=late.jsonl",
    )
    [job] = run_imports()
    assert (job.state, job.error_field, job.error_line) == ("failed", "spans", 8)
    assert not Article.objects.filter(project=project).exists()


def test_raw_json_lines_body_is_streamed_to_storage(client_for, teammate, project):
    body = "\n".join(json.dumps({"title": f"R{i}", "text": f"{BODY} Raw {i}."}) for i in range(3))
    response = client_for(teammate).post(
        f"/api/projects/{project.pk}/imports/?name=raw.jsonl&pretag=false",
        body,
        content_type="application/x-ndjson",
    )
    assert response.status_code == 202, response.json()
    assert (response.json()["source"], response.json()["size"]) == ("raw.jsonl", len(body))
    [job] = run_imports()
    assert (job.state, job.created_count, job.pretag) == ("done", 3, False)
    assert Article.objects.filter(import_job=job, pretag_state="pending").count() == 3


def test_raw_body_with_a_bad_option_is_400_and_stores_nothing(client_for, owner, project):
    response = client_for(owner).post(
        f"/api/projects/{project.pk}/imports/?spans_as=everything",
        '{"text": "x"}',
        content_type="application/x-ndjson",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["spans_as"]
    assert not ImportJob.objects.exists()


def test_an_upload_over_the_memory_size_is_spooled_to_disk_and_moved(
    client_for, owner, project, settings, monkeypatch
):
    """The request never holds the file: Django writes it to a temporary file as it
    arrives (past FILE_UPLOAD_MAX_MEMORY_SIZE), and the storage moves that file."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    moved: list[str] = []
    real_move = storage_module.file_move_safe

    def move(old: str, new: str, **kwargs: object) -> None:
        moved.append(old)
        real_move(old, new, **kwargs)

    monkeypatch.setattr(storage_module, "file_move_safe", move)
    body = "\n".join(json.dumps({"text": f"{BODY} Big {i}."}) for i in range(100)).encode()
    assert len(body) > 1024
    client = Client()
    client.force_login(owner)
    response = client.post(
        f"/api/projects/{project.pk}/imports/",
        {"file": SimpleUploadedFile("big.jsonl", body)},
    )
    assert response.status_code == 202, response.content
    assert len(moved) == 1 and moved[0].endswith(".upload.jsonl")
    [job] = run_imports()
    assert (job.state, job.created_count, job.size) == ("done", 100, len(body))


def test_too_large_upload_is_413(client_for, owner, project):
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=10):
        response = client_for(owner).post(
            f"/api/projects/{project.pk}/imports/",
            {"file": SimpleUploadedFile("b.txt", b"Title\n" + b"x" * 50)},
            format="multipart",
        )
    assert response.status_code == 413
    assert "IMPORT_MAX_UPLOAD_BYTES" in response.json()["file"][0]


def test_file_or_url_required(client_for, owner, project):
    response = client_for(owner).post(f"/api/projects/{project.pk}/imports/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "file": ["Send either a file (multipart) or a url, not both or neither."]
    }


def test_pretag_rerun_endpoints(client_for, owner, article, django_capture_on_commit_callbacks):
    client = client_for(owner)
    with django_capture_on_commit_callbacks() as callbacks:
        one = client.post(f"/api/articles/{article.pk}/pretag/", {"tagger": "rules"}, format="json")
        every = client.post(f"/api/projects/{article.project_id}/pretag/", {}, format="json")
    assert one.status_code == 202 and one.json() == {"queued": 1, "tagger": "rules"}
    assert every.status_code == 202 and every.json()["queued"] == 1
    assert len(callbacks) == 2
    bad = client.post(f"/api/articles/{article.pk}/pretag/", {"tagger": "nope"}, format="json")
    assert bad.status_code == 400 and "Unknown tagger" in bad.json()["tagger"][0]


def test_import_job_of_other_project_is_404(client_for, outsider, owner, project):
    response = client_for(owner).post(
        f"/api/projects/{project.pk}/articles/", {"text": BODY}, format="json"
    )
    assert response.status_code == 201
    job_id = response.json()["import_job"]["id"]
    assert client_for(owner).get(f"/api/imports/{job_id}/").status_code == 200
    assert client_for(outsider).get(f"/api/imports/{job_id}/").status_code == 404


def test_schema_documents_import_endpoints(client_for, owner):
    schema = client_for(owner).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/projects/{project_id}/imports/" in schema["paths"]
    assert "/api/imports/{import_id}/" in schema["paths"]


def test_import_from_url_served_locally(client_for, owner, project, settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["127.0.0.1"]  # the tests' own server
    page = (
        b"<html><head><title>Dam report</title></head><body><nav>Menu</nav><article>"
        b"<h1>Dam report</h1><p>Engineers inspected the dam on Thursday and found two cracks "
        b"in the spillway.</p><p>Repairs could take most of the summer, the agency said in a "
        b"statement on Friday evening.</p></article></body></html>"
    )
    with serve(lambda method, path, body: (200, "text/html; charset=utf-8", page)) as base:
        url = base + "/dam"
        response = client_for(owner).post(
            f"/api/projects/{project.pk}/imports/", {"url": url}, format="json"
        )
    assert response.status_code == 201, response.json()
    article = Article.objects.get(pk=response.json()["article_ids"][0])
    assert article.title == "Dam report" and article.source_url == url
    assert article.text.startswith("Engineers inspected the dam")
    assert "Menu" not in article.text


def test_url_import_of_a_loopback_page_is_refused_without_a_request(client_for, teammate, project):
    """Server-side request forgery: an editor must not make the server read a page that only
    it can reach (here, one served on its loopback interface)."""
    asked = []

    def respond(method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        asked.append(path)
        return 200, "text/html", b"<html><body><p>Internal admin page.</p></body></html>"

    with serve(respond) as base:
        url = base + "/internal"
        response = client_for(teammate).post(
            f"/api/projects/{project.pk}/imports/", {"url": url}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {
        "url": [
            f"{url}: the page could not be fetched. Only pages on public addresses are "
            "imported; check the URL."
        ]
    }
    assert asked == []
    assert not Article.objects.filter(project=project).exists()
    assert not ImportJob.objects.filter(state="running").exists()
