"""Labels: the list, and for admins a new label or changes to one (name, colour, underline,
hotkey, description and the attributes its spans carry), and deleting an unused one."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import RegexValidator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from articles import services
from articles.attributes import ATTRIBUTE_TYPES, attributes_clean
from articles.errors import DomainError, NotFound
from articles.models import Label, Project, Role
from articles.pages.common import PageForm, form_error, project_context
from articles.selectors import projects as project_selectors
from articles.types import SignedInHttpRequest

TEMPLATE = "articles/manage/label_form.html"


class LabelForm(PageForm):
    name = forms.SlugField(
        max_length=50, help_text="Lowercase letters, digits, - and _: the name exports use."
    )
    color = forms.CharField(
        label="Colour",
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Give a colour as #rrggbb.")],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    pattern = forms.ChoiceField(
        label="Underline", choices=Label.Pattern.choices, initial=Label.Pattern.SOLID
    )
    hotkey = forms.CharField(
        max_length=1,
        required=False,
        strip=True,
        help_text="One key that gives a selection this label in the editor, e.g. 4.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="When to use it; editors see it on the label's button.",
    )

    def clean_color(self) -> str:
        return str(self.cleaned_data["color"]).lower()


class AttributeForm(PageForm):
    # What each field means is said once above the rows, not in every row.
    name = forms.CharField(max_length=40, required=False)
    type = forms.ChoiceField(choices=[(t, t) for t in ATTRIBUTE_TYPES], initial="text")
    title = forms.CharField(max_length=100, required=False)
    help = forms.CharField(max_length=200, required=False, label="Hint")
    choices = forms.CharField(max_length=1000, required=False)
    in_text = forms.BooleanField(required=False, label="Picked from the text")


AttributeFormSet = forms.formset_factory(
    AttributeForm, extra=1, can_delete=True, max_num=20, validate_max=True
)
_WHERE = re.compile(r"^attributes\[(\d+)\]: (.*)$", re.S)


def _declarations(formset: Any) -> list[dict[str, Any]] | None:
    """The label's attribute declarations from the rows of the formset, checked by the one
    rule (``attributes_clean``); None, with the errors on their rows, when they are wrong."""
    rows: list[tuple[Any, dict[str, Any]]] = []
    for row in formset.forms:
        values = row.cleaned_data
        if not row.has_changed() or values.get("DELETE"):
            continue
        if not values.get("name"):
            row.add_error("name", "Give the attribute a name (or tick Remove).")
            continue
        declaration: dict[str, Any] = {
            "name": values["name"],
            "type": values["type"],
            "title": values["title"] or values["name"],
        }
        if values["help"]:
            declaration["help"] = values["help"]
        if values["type"] == "choice":
            declaration["choices"] = [c.strip() for c in values["choices"].split(",") if c.strip()]
        if values["in_text"]:
            declaration["in_text"] = True
        rows.append((row, declaration))
    if any(row.errors for row in formset.forms):
        return None
    try:
        return attributes_clean([declaration for _, declaration in rows])
    except DomainError as error:
        where = _WHERE.match(error.message)
        if where and int(where.group(1)) < len(rows):
            rows[int(where.group(1))][0].add_error(None, where.group(2))
        else:
            formset.forms[0].add_error(None, error.message)
        return None


def _attribute_rows(label: Label) -> list[dict[str, Any]]:
    return [
        {
            "name": item["name"],
            "type": item["type"],
            "title": item.get("title", ""),
            "help": item.get("help", ""),
            "choices": ", ".join(item.get("choices", [])),
            "in_text": bool(item.get("in_text")),
        }
        for item in label.attributes or []
    ]


def _label_page(
    request: SignedInHttpRequest,
    project: Project,
    form: LabelForm,
    formset: Any,
    label: Label | None = None,
    status: int = 200,
    delete_error: str = "",
) -> HttpResponse:
    context = project_context(
        project, "labels", form=form, formset=formset, label=label, delete_error=delete_error
    )
    if label is not None:
        context["span_count"] = label.spans.count()
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET"])
def label_list(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = project_selectors.project_get(user=request.user, project_id=project_id)
    labels = project_selectors.label_list(project=project).annotate(span_count=Count("spans"))
    return render(
        request, "articles/manage/labels.html", project_context(project, "labels", labels=labels)
    )


def _admin_project(request: SignedInHttpRequest, project_id: int) -> Project:
    return project_selectors.project_get(
        user=request.user, project_id=project_id, at_least=Role.ADMIN, action="change labels"
    )


def _save(
    request: SignedInHttpRequest, project: Project, label: Label | None
) -> HttpResponse | tuple[LabelForm, Any]:
    """Create or change the label from the POST; the redirect, or the forms with errors."""
    form = LabelForm(request.POST)
    formset = AttributeFormSet(request.POST, prefix="attr")
    if form.is_valid() and formset.is_valid():
        attributes = _declarations(formset)
        if attributes is not None:
            values = {**form.cleaned_data, "attributes": attributes}
            try:
                if label is None:
                    order = project_selectors.label_list(project=project).count()
                    label = services.label_create(
                        project=project, actor=request.user, order=order, **values
                    )
                    messages.success(request, f"Added the label {label.name}.")
                else:
                    services.label_update(label=label, actor=request.user, **values)
                    messages.success(request, f"Saved the label {label.name}.")
            except DomainError as error:
                if label is not None:
                    label.refresh_from_db()
                form_error(form, error)
            else:
                return redirect("articles:project_labels", project_id=project.pk)
    return form, formset


@login_required
@require_http_methods(["GET", "POST"])
def label_new(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = _admin_project(request, project_id)
    if request.method != "POST":
        form = LabelForm(initial={"color": "#7c3aed"})
        return _label_page(request, project, form, AttributeFormSet(prefix="attr"))
    outcome = _save(request, project, None)
    if isinstance(outcome, HttpResponse):
        return outcome
    return _label_page(request, project, *outcome, status=400)


def _label_of(project: Project, label_id: int) -> Label:
    label = project_selectors.label_list(project=project).filter(pk=label_id).first()
    if label is None:
        raise NotFound("No such label.")
    label.project = project  # the role an access call remembered on it comes along
    return label


def _stored(label: Label) -> tuple[LabelForm, Any]:
    """The forms filled with the label as stored."""
    form = LabelForm(
        initial={
            "name": label.name,
            "color": label.color,
            "pattern": label.pattern,
            "hotkey": label.hotkey,
            "description": label.description,
        }
    )
    return form, AttributeFormSet(initial=_attribute_rows(label), prefix="attr")


@login_required
@require_http_methods(["GET", "POST"])
def label_edit(request: SignedInHttpRequest, project_id: int, label_id: int) -> HttpResponse:
    project = _admin_project(request, project_id)
    label = _label_of(project, label_id)
    if request.method != "POST":
        return _label_page(request, project, *_stored(label), label=label)
    outcome = _save(request, project, label)
    if isinstance(outcome, HttpResponse):
        return outcome
    return _label_page(request, project, *outcome, label=label, status=400)


@login_required
@require_POST
def label_delete(request: SignedInHttpRequest, project_id: int, label_id: int) -> HttpResponse:
    project = _admin_project(request, project_id)
    label = _label_of(project, label_id)
    try:
        services.label_delete(label=label, actor=request.user)
    except DomainError as error:
        return _label_page(
            request,
            project,
            *_stored(label),
            label=label,
            status=400,
            delete_error=f"The label was kept: {error.message}",
        )
    messages.success(request, f"Deleted the label {label.name}.")
    return redirect("articles:project_labels", project_id=project.pk)
