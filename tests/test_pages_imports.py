"""Import page: files (one or several) are stored and imported in the background, pasted text
and web pages at once; refusals come back on the form with 400, a bad record fails its job
naming file, line and field; each import's page shows its progress, duplicates and error."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, ImportJob
from tests.factories import run_imports
from tests.httpserver import serve


def upload(name: str, content: str | bytes) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def jsonl(*records: dict) -> str:
    return "\n".join(json.dumps(record) for record in records)


def import_url(project) -> str:
    return reverse("articles:project_import", args=[project.pk])


def job_url(job) -> str:
    return reverse("articles:project_import_job", args=[job.project_id, job.pk])


def post_files(client, project, *files, **extra):
    data = {"source": "file", "file-uploads": list(files), "file-spans_as": "machine", **extra}
    return client.post(import_url(project), data)


def test_one_file_goes_to_its_import_page(
    client, teammate, project, django_capture_on_commit_callbacks
):
    client.force_login(teammate)
    assert client.get(import_url(project)).status_code == 200
    with django_capture_on_commit_callbacks() as queued:
        response = post_files(
            client,
            project,
            upload(
                "letters.jsonl",
                jsonl(
                    {"title": "One", "text": "The ferry stops in winter."},
                    {"title": "Two", "text": "The bridge opened in 2019."},
                ),
            ),
            **{"file-pretag": "on"},
        )
    job = ImportJob.objects.get()
    assert (response.status_code, response["Location"]) == (302, job_url(job))
    assert (job.state, job.source) == ("pending", "letters.jsonl")
    assert len(queued) == 1  # the job is sent once the request commits
    waiting = client.get(job_url(job)).content.decode()
    assert 'aria-valuetext="Waiting for a worker"' in waiting
    with django_capture_on_commit_callbacks() as queued:
        [job] = run_imports()
    assert (job.state, job.created_count, job.processed, job.total) == ("done", 2, 2, 2)
    assert len(queued) == 1  # pre-tagging is sent once the import commits
    page = client.get(job_url(job))
    assert page.status_code == 200
    assert page.context["progress"].pretag == {"pending": 2, "running": 0, "done": 0, "failed": 0}
    html = page.content.decode()
    assert "2 new articles, 0 duplicates (2 read)" in html
    assert f'data-import-job="/api/imports/{job.pk}/" data-finished="0"' in html
    assert (
        '<rect class="seg seg-pending" data-segment="pending" x="0.00%" y="0" width="100.00%"'
        in html
    )


def test_without_pretagging_nothing_is_queued(
    client, teammate, project, django_capture_on_commit_callbacks
):
    client.force_login(teammate)
    post_files(client, project, upload("note.txt", "Harbour news\nThe harbour reopened on Monday."))
    with django_capture_on_commit_callbacks() as queued:
        run_imports()
    assert queued == []
    article = Article.objects.get()
    assert (article.title, article.text) == ("Harbour news", "The harbour reopened on Monday.")


def test_several_files_each_get_an_import(client, teammate, project):
    client.force_login(teammate)
    response = post_files(
        client,
        project,
        upload("a.txt", "First\nThe council met on Monday."),
        upload("b.md", "# Second\n\nThe school reopened on Tuesday."),
    )
    assert (response.status_code, response["Location"]) == (302, import_url(project))
    run_imports()
    assert sorted(ImportJob.objects.values_list("source", "state")) == [
        ("a.txt", "done"),
        ("b.md", "done"),
    ]
    page = client.get(import_url(project))
    assert [item.job.source for item, _ in page.context["imports"]] == ["b.md", "a.txt"]
    assert b"Importing 2 files: their progress is below." in page.content


def test_a_bad_line_fails_its_job_with_file_line_and_field(client, teammate, project):
    client.force_login(teammate)
    bad = jsonl(
        {"title": "Fine", "text": "The ferry stops in winter."}, {"title": "Empty", "text": "  "}
    )
    response = post_files(
        client, project, upload("batch.jsonl", bad), upload("ok.txt", "Ok\nThe mayor spoke.")
    )
    assert (response.status_code, response["Location"]) == (302, import_url(project))
    run_imports()
    # Nothing of the bad file is stored; the good one is, and both are listed.
    assert list(Article.objects.values_list("title", flat=True)) == ["Ok"]
    page = client.get(import_url(project))
    assert b"batch.jsonl line 2: field &#x27;text&#x27; is empty." in page.content
    jobs = {item.job.source: item.job for item, _ in page.context["imports"]}
    assert jobs["batch.jsonl"].state == "failed" and jobs["ok.txt"].state == "done"
    assert (jobs["batch.jsonl"].error_field, jobs["batch.jsonl"].error_line) == ("text", 2)
    failed = client.get(job_url(jobs["batch.jsonl"])).content.decode()
    assert "Failed: batch.jsonl line 2: field &#x27;text&#x27; is empty." in failed
    assert "Nothing of this import was saved." in failed


def test_unsupported_and_oversized_files(client, teammate, project, settings):
    client.force_login(teammate)
    odd = post_files(client, project, upload("report.pdf", b"%PDF-1.4"))
    assert odd.status_code == 400
    assert odd.context["forms"]["file"].errors["uploads"] == [
        "report.pdf: unsupported file type; use one of .jsonl, .csv, .txt, .md, .html, .htm, .zip."
    ]
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    big = post_files(client, project, upload("big.txt", "Title\nA text longer than ten bytes."))
    assert big.status_code == 400
    assert big.context["forms"]["file"].errors["uploads"] == [
        "big.txt has 35 bytes; the limit is 10 (IMPORT_MAX_UPLOAD_BYTES)."
    ]
    missing = client.post(import_url(project), {"source": "file"})
    assert missing.status_code == 400
    assert missing.context["forms"]["file"].errors == {"uploads": ["This field is required."]}
    assert not Article.objects.exists()


def test_pasted_text_and_its_duplicate(client, teammate, project):
    client.force_login(teammate)
    text = "The bridge opened in 2019. It may close next year."
    first = client.post(
        import_url(project), {"source": "text", "text-title": "Bridge", "text-text": text}
    )
    job = ImportJob.objects.get()
    assert (first.status_code, first["Location"]) == (302, job_url(job))
    assert (job.source, job.created_count) == ("pasted text", 1)
    article = Article.objects.get()
    assert (article.title, article.text) == ("Bridge", text)
    again = client.post(
        import_url(project), {"source": "text", "text-title": "Again", "text-text": text}
    )
    second = ImportJob.objects.exclude(pk=job.pk).get()
    assert again["Location"] == job_url(second)
    page = client.get(job_url(second)).content.decode()
    assert "0 new articles, 1 duplicate (1 read)" in page
    assert (
        '<td class="break">pasted text</td><td>Again</td>'
        f'<td><a href="/articles/{article.pk}/">article {article.pk}</a></td>' in page
    )
    blank = client.post(
        import_url(project), {"source": "text", "text-title": "", "text-text": "   "}
    )
    assert blank.status_code == 400
    assert blank.context["forms"]["text"].errors == {
        "text": ["pasted text: field 'text' is empty."]
    }


def test_a_web_page_served_locally(client, teammate, project, settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["127.0.0.1"]  # our own page server
    page = (
        b"<html><head><title>Dam report</title></head><body><nav>Menu</nav><article>"
        b"<h1>Dam report</h1><p>Engineers inspected the dam on Thursday and found two cracks "
        b"in the spillway.</p><p>Repairs could take most of the summer, the agency said in a "
        b"statement on Friday evening.</p></article></body></html>"
    )
    client.force_login(teammate)
    with serve(lambda method, path, body: (200, "text/html; charset=utf-8", page)) as base:
        response = client.post(import_url(project), {"source": "url", "url-url": f"{base}/dam"})
    article = Article.objects.get()
    assert response.status_code == 302 and article.title == "Dam report"
    assert article.text.startswith("Engineers inspected the dam")
    assert article.source_url == f"{base}/dam" and "Menu" not in article.text


def test_an_unreachable_page_is_a_url_error(client, teammate, project, settings):
    settings.IMPORT_URL_ALLOWED_HOSTS = ["127.0.0.1"]  # our own page server
    client.force_login(teammate)
    with serve(lambda method, path, body: (404, "text/html", b"gone")) as base:
        response = client.post(import_url(project), {"source": "url", "url-url": f"{base}/gone"})
    assert response.status_code == 400
    assert response.context["forms"]["url"].errors == {
        "url": [f"{base}/gone: the server answered 404."]
    }
    not_a_url = client.post(import_url(project), {"source": "url", "url-url": "not a url"})
    assert not_a_url.context["forms"]["url"].errors == {"url": ["Enter a valid URL."]}


def test_roles_on_the_import_pages(client, viewer, outsider, teammate, project):
    client.force_login(teammate)
    post_files(client, project, upload("a.txt", "A\nThe council met."))
    job = ImportJob.objects.get()
    client.force_login(viewer)
    assert client.get(import_url(project)).status_code == 403
    refused = post_files(client, project, upload("b.txt", "B\nThe mayor spoke."))
    assert refused.status_code == 403
    assert ImportJob.objects.count() == 1
    assert client.get(job_url(job)).status_code == 200  # members may follow an import
    client.force_login(outsider)
    assert client.get(job_url(job)).status_code == 404
    assert (
        client.post(import_url(project), {"source": "text", "text-text": "Hi."}).status_code == 404
    )
    assert ImportJob.objects.count() == 1


def test_an_import_of_another_project_is_not_found_here(client, owner, project, superuser):
    from tests.factories import make_project

    other = make_project(owner, name="Second desk")
    client.force_login(owner)
    post_files(client, other, upload("a.txt", "A\nThe council met."))
    job = ImportJob.objects.get()
    assert (
        client.get(reverse("articles:project_import_job", args=[project.pk, job.pk])).status_code
        == 404
    )
    assert client.get(job_url(job)).status_code == 200


def test_unknown_source_is_refused(client, teammate, project):
    client.force_login(teammate)
    response = client.post(import_url(project), {"source": "telepathy"})
    assert response.status_code == 400
    assert b"Choose files, text or a web address to import." in response.content
