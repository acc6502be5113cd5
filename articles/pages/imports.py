"""Import: files (picked or dropped), pasted text or a web address into a project, and each
import's page, which follows the import and then the pre-tagging of its articles live.

Files are imported in the background (``articles/services/import_jobs.py``): the page of a
job shows its phase and records processed, and its script polls ``GET /api/imports/{id}/``
for the state of the import, then its articles per pre-tag state. Without the script, a
refresh shows the same.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from articles import services
from articles.errors import DomainError, NotFound
from articles.importing import SUPPORTED_EXTENSIONS, Record
from articles.models import ImportJob, Project, Role
from articles.pages.common import PageForm, form_error, project_context
from articles.selectors import imports as import_selectors
from articles.selectors import projects as project_selectors
from articles.services.import_jobs import import_store
from articles.types import SignedInHttpRequest

TEMPLATE = "articles/manage/import.html"
FORMATS_HELP = (
    "JSON Lines (.jsonl, one article a line, spans too), CSV with a text column, plain text "
    "(.txt: the first line is the title), Markdown (.md: a leading # heading is the title), "
    "HTML (the main text is extracted), or a .zip of these."
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked as a FileField checks one."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        one = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        if not items:
            one(None, initial)  # refused when required, as a missing single file is
            return []
        return [one(item, initial) for item in items]


class FileImportForm(PageForm):
    uploads = MultipleFileField(
        label="Files",
        help_text=FORMATS_HELP,
        widget=MultipleFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )
    spans_as = forms.ChoiceField(
        label="Spans in the files are kept as",
        choices=[
            ("machine", "suggestions to review"),
            ("human", "your own annotations"),
            ("ignore", "nothing (text only)"),
        ],
        initial="machine",
        required=False,  # left out: suggestions, as the API's default
    )
    pretag = forms.BooleanField(label="Pre-tag the new articles", required=False, initial=True)


class TextImportForm(PageForm):
    title = forms.CharField(max_length=500, required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), strip=False)


class UrlImportForm(PageForm):
    url = forms.URLField(
        label="Web address",
        max_length=2000,
        assume_scheme="https",
        help_text="The page is fetched and its main text extracted.",
    )


FORMS: dict[str, type[forms.Form]] = {
    "file": FileImportForm,
    "text": TextImportForm,
    "url": UrlImportForm,
}


# The stacked bar of pre-tag states, left to right (the page script draws the same order).
BAR_ORDER = ("done", "failed", "running", "pending")


def segments(pretag: dict[str, int]) -> list[dict[str, Any]]:
    """Each pre-tag state's share of the bar, as SVG offsets and widths in percent (SVG
    attributes, since the Content-Security-Policy refuses inline style)."""
    total = sum(pretag.values())
    out, offset = [], 0.0
    for state in BAR_ORDER:
        width = 100.0 * pretag.get(state, 0) / total if total else 0.0
        out.append({"state": state, "count": pretag.get(state, 0), "x": offset, "width": width})
        offset += width
    return out


def _editor_project(request: SignedInHttpRequest, project_id: int) -> Project:
    return project_selectors.project_get(
        user=request.user, project_id=project_id, at_least=Role.EDITOR, action="import articles"
    )


def _page(
    request: SignedInHttpRequest, project: Project, bound: dict[str, forms.Form], status: int
) -> HttpResponse:
    page_forms = {
        source: bound.get(source) or form_class(prefix=source)
        for source, form_class in FORMS.items()
    }
    context = project_context(
        project,
        "import",
        forms=page_forms,
        imports=[
            (item, segments(item.pretag)) for item in import_selectors.import_list(project=project)
        ],
    )
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = _editor_project(request, project_id)
    if request.method != "POST":
        return _page(request, project, {}, 200)
    source = request.POST.get("source", "")
    form_class = FORMS.get(source)
    if form_class is None:
        messages.error(request, "Choose files, text or a web address to import.")
        return _page(request, project, {}, 400)
    form = form_class(request.POST, request.FILES, prefix=source)
    jobs: list[ImportJob] = []
    if form.is_valid():
        jobs = _import(request, project, source, form)
    if not form.is_valid() or form.errors or not jobs:
        return _page(request, project, {source: form}, 400)
    if len(jobs) == 1:
        return redirect("articles:project_import_job", project_id=project.pk, import_id=jobs[0].pk)
    messages.success(request, f"Importing {len(jobs)} files: their progress is below.")
    return redirect("articles:project_import", project_id=project.pk)


def _import(
    request: SignedInHttpRequest, project: Project, source: str, form: forms.Form
) -> list[ImportJob]:
    """Run the import the form asks for; refusals go on the form (a failed import is also
    recorded as a failed job, listed on the page)."""
    values = form.cleaned_data
    actor = request.user
    if source == "url":
        try:
            return [services.import_url(project=project, url=values["url"], actor=actor)]
        except DomainError as error:
            form.add_error("url", error.message)
            return []
    if source == "text":
        record = Record(where="pasted text", title=values["title"], text=values["text"])
        try:
            job = services.articles_import(
                project=project, records=[record], actor=actor, source="pasted text"
            )
        except DomainError as error:
            form_error(form, error)
            return []
        return [job]
    jobs = []
    for upload in values["uploads"]:
        try:
            job = import_store(
                project=project,
                name=upload.name or "file",
                content=upload,
                actor=actor,
                spans_as=values["spans_as"] or "machine",
                pretag=values["pretag"],
            )
        except DomainError as error:
            form.add_error("uploads", error.message)
            continue
        jobs.append(job)
    if form.errors and jobs:
        names = ", ".join(job.source for job in jobs)
        messages.success(request, f"Importing {names}; the others were refused (see below).")
    return jobs


@login_required
@require_safe
def import_job(request: SignedInHttpRequest, project_id: int, import_id: int) -> HttpResponse:
    job = import_selectors.import_get(user=request.user, import_id=import_id)
    if job.project_id != project_id:
        raise NotFound("No such import.")
    progress = import_selectors.import_detail(job)
    context = project_context(
        job.project, "import", progress=progress, segments=segments(progress.pretag), job=job
    )
    return render(request, "articles/manage/import_job.html", context)
