from django.contrib import admin

from articles.models import (
    Article,
    ImportJob,
    Label,
    Membership,
    Project,
    Review,
    Snapshot,
    Span,
    SpanEvent,
)


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

    def has_change_permission(self, request, obj=None) -> bool:  # history is append-only
        return False


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
