from typing import Any

from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from articles.models import (
    Article,
    Assignment,
    ImportJob,
    Label,
    Membership,
    Project,
    Review,
    Snapshot,
    Span,
    SpanEvent,
)
from articles.services.assignments import assignments_rebalance
from articles.services.projects import project_delete_unchecked


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "tagger", "created_at"]
    search_fields = ["name"]
    inlines = [LabelInline, MembershipInline]

    # The admin's own cascade stops at the labels its spans protect; the service deletes
    # in the order that works and removes snapshot files.
    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, _protected = super().get_deleted_objects(objs, request)
        # Spans protect their label from being deleted alone; here they go with their
        # articles, which the confirmation page lists as deleted. History rows cannot be
        # deleted on their own, but go with their project.
        perms_needed.discard(SpanEvent._meta.verbose_name)
        return deleted, counts, perms_needed, []

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        assignments_rebalance(project=form.instance)  # members may have changed inline

    def delete_model(self, request: HttpRequest, obj: Project) -> None:
        project_delete_unchecked(project=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        for project in queryset:
            project_delete_unchecked(project=project)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role"]
    list_filter = ["role", "project"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "hotkey", "color", "pattern"]
    list_filter = ["project"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "project", "pretag_state", "updated_at"]
    list_filter = ["project", "pretag_state", "language"]
    search_fields = ["title", "author", "source_url"]
    readonly_fields = ["content_hash", "created_at", "updated_at"]
    list_select_related = ["project"]


@admin.register(Span)
class SpanAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "label", "start", "end", "origin", "status", "annotator"]
    list_filter = ["status", "origin", "gold", "label__name"]
    search_fields = ["text"]
    raw_id_fields = ["article", "derived_from"]
    readonly_fields = ["version", "created_at", "updated_at"]
    list_select_related = ["article", "label", "annotator"]


@admin.register(SpanEvent)
class SpanEventAdmin(admin.ModelAdmin):
    list_display = ["id", "span_ref", "action", "actor", "created_at"]
    list_filter = ["action"]
    raw_id_fields = ["span", "article"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is append-only

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # only with its article or project


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["article", "annotator", "skipped", "by_hand", "flag_reason", "updated_at"]
    list_filter = ["skipped", "by_hand", "project"]
    raw_id_fields = ["article"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["article", "annotator", "state", "updated_at"]
    list_filter = ["state"]
    raw_id_fields = ["article"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "source", "state", "total", "created_count", "created_at"]
    list_filter = ["state", "project"]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["project", "version", "format", "state", "article_count", "span_count"]
    list_filter = ["state", "format"]


# django-axes registers its three tables; we write only the failed attempts (its access log
# is off and its failure log is not enabled), so the other two would be empty pages.
for _model in (AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
