"""Export: choose a format and filters, see how many articles and spans the export holds,
download it (the API's streamed export), copy it as a curl command, and freeze it as a
snapshot; the project's snapshots with their sha256 and download links."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from articles import exports
from articles.errors import DomainError
from articles.models import Project, Span
from articles.pages.common import PageForm, form_error, project_context
from articles.selectors import projects as project_selectors
from articles.selectors.exports import ExportFilters, export_filters, export_totals
from articles.selectors.snapshots import snapshot_list
from articles.services.snapshots import snapshot_request
from articles.types import SignedInHttpRequest

GOLD_CHOICES = [("", "every layer"), ("1", "only the gold layer"), ("0", "no gold rows")]
DEFAULT_FORMAT = "jsonl"
DEFAULT_STATUSES = [Span.Status.ACCEPTED.value]


class ExportForm(PageForm):
    """The API's export parameters, as a form (the same names, so the page's query string
    reads like the API's)."""

    format = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[
            (name, f"{name}: {writer.description}") for name, writer in exports.WRITERS.items()
        ],
    )
    status = forms.MultipleChoiceField(
        label="Spans",
        widget=forms.CheckboxSelectMultiple,
        choices=Span.Status.choices,
        error_messages={"required": "Tick at least one kind of span."},
        help_text="Accepted: kept or drawn by an annotator. Rejected: the negatives. "
        "Suggested: the pre-tagger's undecided suggestions.",
    )
    labels = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: every label.",
    )
    annotator = forms.ChoiceField(
        required=False, help_text="One person's layer only; empty: every layer."
    )
    gold = forms.ChoiceField(label="Gold layer", choices=GOLD_CHOICES, required=False)
    updated_since = forms.DateTimeField(
        label="Articles changed since",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        help_text="UTC.",
    )
    ids = forms.CharField(
        label="Article ids",
        required=False,
        max_length=10_000,
        help_text="Comma-separated, e.g. 12, 15, 40; empty: every article.",
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        labels = self.fields["labels"]
        annotator = self.fields["annotator"]
        assert isinstance(labels, forms.ChoiceField) and isinstance(annotator, forms.ChoiceField)
        labels.choices = [
            (name, name)
            for name in project.labels.order_by("order", "name").values_list("name", flat=True)
        ]
        names = project.memberships.order_by("user__username").values_list(
            "user__username", flat=True
        )
        annotator.choices = [("", "anyone"), *((name, name) for name in names)]

    def clean_ids(self) -> list[int]:
        raw: str = self.cleaned_data["ids"]
        parts = [part.strip() for part in raw.replace(" ", ",").split(",") if part.strip()]
        if not all(part.isdigit() and 0 < int(part) < 2**63 for part in parts):
            raise forms.ValidationError("Give article ids as whole numbers separated by commas.")
        return [int(part) for part in parts]

    def filters(self) -> ExportFilters:
        """The export's filters, checked by the same selector as the API's."""
        values = self.cleaned_data
        gold = {"1": True, "0": False}.get(values["gold"])
        return export_filters(
            project=self.project,
            statuses=values["status"],
            labels=values["labels"],
            annotator=values["annotator"] or None,
            updated_since=values["updated_since"],
            article_ids=values["ids"],
            gold=gold,
        )

    def api_query(self) -> str:
        """The API's query string for this export."""
        values = self.cleaned_data
        params: list[tuple[str, str]] = [("format", values["format"])]
        if values["status"] != [Span.Status.ACCEPTED]:
            params.append(("status", ",".join(values["status"])))
        if values["labels"]:
            params.append(("labels", ",".join(values["labels"])))
        if values["annotator"]:
            params.append(("annotator", values["annotator"]))
        if values["gold"]:
            params.append(("gold", values["gold"]))
        if values["updated_since"]:
            since = values["updated_since"].astimezone(dt.UTC)
            params.append(("updated_since", since.strftime("%Y-%m-%dT%H:%M:%SZ")))
        if values["ids"]:
            params.append(("ids", ",".join(str(i) for i in values["ids"])))
        return urlencode(params, safe=",:")


def _bound(data: QueryDict, project: Project) -> ExportForm:
    """The form on the query's values; a first visit gets the defaults (JSON Lines of the
    accepted spans)."""
    if not data:
        data = QueryDict(mutable=True)
        data["format"] = DEFAULT_FORMAT
        data.setlist("status", DEFAULT_STATUSES)
    return ExportForm(data, project=project)


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    """GET: the export's figures, links and snapshots; POST: freeze it as a snapshot."""
    project = project_selectors.project_get(user=request.user, project_id=project_id)
    form = _bound(request.POST if request.method == "POST" else request.GET, project)
    filters = None
    if form.is_valid():
        try:
            filters = form.filters()
        except DomainError as error:
            form_error(form, error)
    if filters is not None and request.method == "POST":
        snapshot = snapshot_request(
            project=project, actor=request.user, format=form.cleaned_data["format"], filters=filters
        )
        messages.success(
            request,
            f"Snapshot version {snapshot.version} is being written; it appears below with its "
            "sha256 when it is ready.",
        )
        # Back to the page with the same choices (PRG), so the new snapshot shows in the list.
        choices = request.POST.copy()
        choices.pop("csrfmiddlewaretoken", None)
        page = reverse("articles:project_export", args=[project.pk])
        return redirect(f"{page}?{choices.urlencode()}")
    context = project_context(
        project, "export", form=form, snapshots=snapshot_list(project=project)
    )
    if filters is None:
        return render(request, "articles/manage/export.html", context, status=400)
    writer = exports.get_writer(form.cleaned_data["format"])
    articles, spans = export_totals(project, filters, only_with_attr=writer.only_with_attr)
    api_url = request.build_absolute_uri(
        reverse("api-export", args=[project.pk]) + "?" + form.api_query()
    )
    context.update(
        article_total=articles,
        span_total=spans,
        download_url=api_url,
        curl=f'curl -H "Authorization: Token $ANNOTATOR_TOKEN" -OJ "{api_url}"',
    )
    return render(request, "articles/manage/export.html", context)
