"""Data, constraints and named queries.

Layers: machine suggestions are shared by everyone (``annotator`` is NULL, status
``suggested``). Each editor's decisions and own spans form that editor's layer (``annotator``
set, status ``accepted`` or ``rejected``); a decision on a suggestion is a row of the
editor's layer pointing at it through ``derived_from``, so two editors never overwrite each
other. A reviewer's ``gold`` layer sits on top the same way.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone

from articles.types import AnyUser


def _choices_check(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class JobState(models.TextChoices):
    """States of background work: imports, pre-tagging, snapshots."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SpanOrigin(models.TextChoices):
    MACHINE = "machine"
    HUMAN = "human"


class SpanStatus(models.TextChoices):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class SpanAction(models.TextChoices):
    CREATE = "create"
    UPDATE = "update"
    ACCEPT = "accept"
    REJECT = "reject"
    DELETE = "delete"


class ReviewState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Role(models.TextChoices):
    """Project roles, each allowing what the ones before it allow (declaration order)."""

    VIEWER = "viewer", "Viewer (read-only, dataset consumer)"
    EDITOR = "editor", "Editor"
    REVIEWER = "reviewer", "Reviewer (gold layer)"
    ADMIN = "admin", "Admin"

    def covers(self, needed: Role) -> bool:
        """Whether this role allows what ``needed`` allows."""
        order = list(Role)
        return order.index(self) >= order.index(needed)


def role_expression(user: AnyUser, project_ref: str = "pk") -> Any:
    """The user's role in the project ``project_ref`` points at, as an annotation (NULL for
    outsiders). A superuser is an admin of every project: the one place that says so for
    queries; ``visible_to`` below is the other, for lists."""
    if not user.is_authenticated:
        return Value(None, output_field=models.CharField())
    if user.is_superuser:
        return Value(Role.ADMIN.value, output_field=models.CharField())
    return Subquery(
        Membership.objects.filter(project=OuterRef(project_ref), user_id=user.pk).values("role")[:1]
    )


class Distribution(models.TextChoices):
    """How articles reach editors: automatically (round robin, balanced by open workload)
    or only by an admin's hand."""

    ROUND_ROBIN = "round_robin", "Round robin, balanced by open workload"
    MANUAL = "manual", "By hand only"


class AssignmentState(models.TextChoices):
    """An assignment's state. ``done`` is not stored: it is the annotator's done review."""

    ASSIGNED = "assigned"
    DONE = "done"
    SKIPPED = "skipped"


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: AnyUser) -> ProjectQuerySet:
        """Projects the user is a member of (every project for a superuser)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user)


class Project(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    guidelines = models.TextField(blank=True, help_text="Markdown shown to editors.")
    tagger = models.CharField(
        max_length=100, blank=True, help_text="Pre-tagger name; empty means the default."
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    annotators_per_article = models.PositiveSmallIntegerField(
        default=1, help_text="How many editors annotate each article independently (k)."
    )
    distribution = models.CharField(
        max_length=20, choices=Distribution.choices, default=Distribution.ROUND_ROBIN
    )
    blind = models.BooleanField(
        default=True,
        help_text="Editors see only the shared suggestions and their own layer; "
        "reviewers and admins see every layer.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annotators_per_article__gte=1) & Q(annotators_per_article__lte=50),
                name="project_annotators_per_article_range",
            ),
            models.CheckConstraint(
                condition=_choices_check("distribution", Distribution),
                name="project_distribution_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tagger_name(self) -> str:
        return self.tagger or settings.DEFAULT_TAGGER


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=_choices_check("role", Role), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} ({self.role})"


class Label(models.Model):
    class Pattern(models.TextChoices):
        SOLID = "solid", "Solid underline"
        DOUBLE = "double", "Double underline"
        DOTTED = "dotted", "Dotted underline"
        DASHED = "dashed", "Dashed underline"
        WAVY = "wavy", "Wavy underline"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="labels")
    name = models.SlugField(max_length=50)
    color = models.CharField(max_length=7, help_text="#rrggbb")
    pattern = models.CharField(max_length=10, choices=Pattern.choices, default=Pattern.SOLID)
    hotkey = models.CharField(max_length=1, blank=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    attributes = models.JSONField(
        default=list,
        blank=True,
        help_text="What its spans carry: [{name, type, title, help?, choices?, in_text?}].",
    )

    class Meta:
        ordering = ["project", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="label_name_unique"),
            models.UniqueConstraint(
                fields=["project", "hotkey"],
                condition=~Q(hotkey=""),
                name="label_hotkey_unique",
            ),
            models.CheckConstraint(
                # A Q combined with a lookup is a Q at run time; the stubs say Combinable.
                condition=cast(Q, Q(color__startswith="#") & Exact(Length("color"), 7)),
                name="label_color_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ImportPhase(models.TextChoices):
    """What a running import job does: read every record once to check it, then write."""

    VALIDATING = "validating"
    WRITING = "writing"


class ImportJob(models.Model):
    State = JobState

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=500, blank=True, help_text="File name, URL or 'api'.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    duplicates = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # Where the error is, when a record caused it: the input field and the file's line.
    error_field = models.CharField(max_length=100, blank=True)
    error_line = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A job run in the background (articles/services/import_jobs.py): its upload in the
    # "imports" storage until the job ends, the options it runs with, and its progress.
    file_name = models.CharField(max_length=500, blank=True)
    size = models.BigIntegerField(default=0, help_text="Bytes of the stored upload.")
    spans_as = models.CharField(max_length=10, default="machine")
    pretag = models.BooleanField(default=True)
    phase = models.CharField(max_length=10, choices=ImportPhase.choices, blank=True)
    processed = models.PositiveIntegerField(
        default=0, help_text="Records done in the current phase."
    )
    # The sweep's evidence, as for snapshots (articles/services/heartbeat.py).
    queued_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=_choices_check("state", JobState), name="importjob_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} into {self.project_id} ({self.state})"


class ArticleQuerySet(models.QuerySet["Article"]):
    def visible_to(self, user: AnyUser) -> ArticleQuerySet:
        return self.filter(project__in=Project.objects.visible_to(user))


class Article(models.Model):
    PretagState = JobState

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(help_text="NFC-normalised, LF line endings; immutable once spanned.")
    source_url = models.URLField(max_length=2000, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True, default="en")
    meta = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    pretag_state = models.CharField(
        max_length=10, choices=PretagState.choices, default=PretagState.PENDING
    )
    pretag_error = models.TextField(blank=True)
    pretag_tagger = models.CharField(max_length=100, blank=True, help_text="name@version")
    pretagged_at = models.DateTimeField(null=True, blank=True)
    # The sweep's evidence (articles/services/sweep.py): when the pending work was handed to
    # the broker (empty: sending failed), and the last sign of life of the task running it.
    pretag_queued_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    pretag_heartbeat = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "content_hash"], name="article_text_unique_in_project"
            ),
            models.CheckConstraint(
                condition=_choices_check("pretag_state", JobState),
                name="article_pretag_state_valid",
            ),
            models.CheckConstraint(
                condition=Exact(Length("content_hash"), 64), name="article_hash_set"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "id"], name="article_project_id"),
            models.Index(fields=["project", "updated_at", "id"], name="article_project_updated"),
            models.Index(fields=["project", "pretag_state"], name="article_project_pretag"),
            # The sweep reads only unfinished articles, a small part of the table.
            models.Index(
                fields=["pretag_state", "id"],
                condition=Q(pretag_state__in=[JobState.PENDING, JobState.RUNNING]),
                name="article_pretag_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Article {self.pk}"


def layer_of(user: AnyUser, *, gold: bool = False) -> Q:
    """``SpanQuerySet.layer`` as a condition, to combine with others in one query."""
    return Q(annotator_id=user.pk, gold=gold)


class SpanQuerySet(models.QuerySet["Span"]):
    def suggestions(self) -> SpanQuerySet:
        """Shared machine suggestions (nobody's layer)."""
        return self.filter(annotator__isnull=True)

    def layer(self, user: AnyUser, *, gold: bool = False) -> SpanQuerySet:
        """The rows of one person's layer (their editor layer, or their gold layer)."""
        return self.filter(layer_of(user, gold=gold))

    def undecided_by(self, user: AnyUser, *, gold: bool = False) -> SpanQuerySet:
        """Machine suggestions with no decision in the user's layer yet."""
        decided = Span.objects.filter(derived_from=OuterRef("pk"), annotator_id=user.pk, gold=gold)
        return self.filter(annotator__isnull=True).filter(~Exists(decided))

    def view_of(self, user: AnyUser, *, gold: bool = False) -> SpanQuerySet:
        """What the user sees of an article: their layer plus the suggestions they have not
        decided yet (a decided suggestion is replaced by the decision row)."""
        decided = Span.objects.filter(derived_from=OuterRef("pk"), annotator_id=user.pk, gold=gold)
        return self.filter(
            Q(annotator_id=user.pk, gold=gold) | (Q(annotator__isnull=True) & ~Exists(decided))
        )

    def in_text_order(self) -> SpanQuerySet:
        """By start, longer first, then label and id: how spans are listed everywhere."""
        return self.order_by(*TEXT_ORDER)


TEXT_ORDER = ("start", "-end", "label_id", "id")


class Span(models.Model):
    Origin = SpanOrigin
    Status = SpanStatus

    # No single-column indexes on article, label and derived_from: the composite indexes
    # and the one-decision constraint below begin with them and serve the same lookups, and
    # every span written (a decision, 25 per imported article) updated each one.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="spans", db_index=False
    )
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="spans", db_index=False)
    start = models.PositiveIntegerField(help_text="Code-point offset, inclusive.")
    end = models.PositiveIntegerField(help_text="Code-point offset, exclusive.")
    text = models.TextField(help_text="Snapshot of article.text[start:end].")
    attrs = models.JSONField(default=dict, blank=True, help_text="speaker, direct, cue, …")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    confidence = models.FloatField(null=True, blank=True)
    tagger_version = models.CharField(max_length=100, blank=True)
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spans",
        help_text="Whose layer this row belongs to; empty for shared machine suggestions.",
    )
    gold = models.BooleanField(default=False, help_text="Part of a reviewer's gold layer.")
    derived_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # A decided suggestion must survive tagger re-runs; it goes only with its article.
        on_delete=models.RESTRICT,
        related_name="decisions",
        db_index=False,
    )
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SpanQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="span_start_before_end"),
            models.CheckConstraint(condition=Q(start__gte=0), name="span_start_nonnegative"),
            models.CheckConstraint(
                condition=Exact(Length("text"), F("end") - F("start")),
                name="span_text_length_matches",
            ),
            models.CheckConstraint(
                condition=_choices_check("origin", SpanOrigin),
                name="span_origin_valid",
            ),
            models.CheckConstraint(
                condition=_choices_check("status", SpanStatus),
                name="span_status_valid",
            ),
            # Suggestions are exactly the rows outside every layer, and only machines make them.
            models.CheckConstraint(
                condition=(Q(status="suggested") & Q(annotator__isnull=True) & Q(origin="machine"))
                | (~Q(status="suggested") & Q(annotator__isnull=False)),
                name="span_suggestion_iff_no_annotator",
            ),
            models.CheckConstraint(
                condition=Q(gold=False) | Q(annotator__isnull=False), name="span_gold_has_annotator"
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True)
                | (Q(confidence__gte=0.0) & Q(confidence__lte=1.0)),
                name="span_confidence_unit_interval",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="span_version_positive"),
            # One decision per suggestion per layer: a second editor adds a row, never overwrites.
            models.UniqueConstraint(
                fields=["derived_from", "annotator", "gold"],
                condition=Q(derived_from__isnull=False),
                name="span_one_decision_per_layer",
            ),
            models.UniqueConstraint(
                fields=["article", "label", "start", "end"],
                condition=Q(annotator__isnull=True),
                name="span_suggestion_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["article", "annotator", "label", "start"], name="span_article_layer_label"
            ),
            models.Index(fields=["article", "status"], name="span_article_status"),
            models.Index(fields=["label", "status"], name="span_label_status"),
        ]

    def __str__(self) -> str:
        return f"{self.label_id}[{self.start}:{self.end}] {self.status}"

    @property
    def is_suggestion(self) -> bool:
        return self.annotator_id is None

    @property
    def kind(self) -> str:
        return span_kind(self.status, self.origin, self.derived_from_id)


def span_kind(status: str, origin: str, derived_from_id: int | None) -> str:
    """accepted / edited / human / rejected / suggested: what status and origin mean together.

    The one place this is worked out; the API and the editor page receive it.
    """
    if status != SpanStatus.ACCEPTED:
        return status
    if origin == SpanOrigin.MACHINE:
        return "accepted"
    return "edited" if derived_from_id else "human"


class SpanEvent(models.Model):
    """History: every create, update, decision and deletion of a span, before and after.

    Rows are written once and never changed: ``save`` refuses an existing row and
    ``delete`` refuses to remove one (they go only with their article or project).
    """

    Action = SpanAction

    span = models.ForeignKey(
        Span, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    span_ref = models.PositiveBigIntegerField(help_text="The span id, kept after deletion.")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="span_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_choices_check("action", SpanAction), name="spanevent_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} span {self.span_ref}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise HistoryIsReadOnly("History rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise HistoryIsReadOnly("History rows are never deleted on their own.")


class HistoryIsReadOnly(Exception):
    """An attempt to change or remove a history row."""


class Review(models.Model):
    """An annotator's progress on one article; no row means 'new'."""

    State = ReviewState

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "annotator"], name="review_unique"),
            models.CheckConstraint(
                condition=_choices_check("state", ReviewState), name="review_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.annotator} on {self.article_id}: {self.state}"


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def with_state(self) -> AssignmentQuerySet:
        """Each row with ``state``: done when its annotator marked the article done (the
        review is the one record of that), else skipped or assigned as stored."""
        done = Review.objects.filter(
            article=OuterRef("article_id"),
            annotator=OuterRef("annotator_id"),
            state=ReviewState.DONE,
        )
        return self.annotate(
            state=models.Case(
                models.When(Exists(done), then=Value(AssignmentState.DONE.value)),
                models.When(skipped=True, then=Value(AssignmentState.SKIPPED.value)),
                default=Value(AssignmentState.ASSIGNED.value),
                output_field=models.CharField(),
            )
        )


class Assignment(models.Model):
    """An article given to an editor to annotate. ``by_hand``: an admin chose it, so
    automatic balancing never moves it."""

    State = AssignmentState

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    skipped = models.BooleanField(default=False)
    skip_reason = models.TextField(blank=True)
    flag_reason = models.TextField(blank=True, help_text="A problem the editor reports to admins.")
    flagged_at = models.DateTimeField(null=True, blank=True)
    by_hand = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "annotator"], name="assignment_unique"),
        ]
        indexes = [
            models.Index(fields=["project", "annotator"], name="assignment_project_annotator"),
        ]

    def __str__(self) -> str:
        return f"{self.annotator_id} on {self.article_id}"


class Snapshot(models.Model):
    """A frozen, versioned export file: fetchable again byte for byte."""

    State = JobState

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="snapshots")
    version = models.PositiveIntegerField()
    format = models.CharField(max_length=20)
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.FloatField(default=0.0)
    article_count = models.PositiveIntegerField(default=0)
    span_count = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to="snapshots/", blank=True)
    error = models.TextField(blank=True)
    # As on articles: when the build was handed to the broker (empty: sending failed), and
    # the last sign of life of the worker building it.
    queued_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    heartbeat = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="snapshot_version_unique"),
            models.CheckConstraint(
                condition=_choices_check("state", JobState), name="snapshot_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.version} ({self.format})"


# --- the learned re-scorer: trained versions, the decision counter, taggers' run reports ---


class TrainingTrigger(models.TextChoices):
    MANUAL = "manual"  # POST /api/projects/{id}/tagger/train/
    AUTO = "auto"  # TAGGER_RETRAIN_EVERY new decisions


class TaggerVersion(models.Model):
    """One training of a project's re-scorer (``articles.tagging.training``): its state as a
    Celery job, what it was trained on, its held-out figures and its fitted numbers. At most
    one version of a project is active; the project's pre-tagger is then the rules with it,
    and its suggestions carry ``rules@1.7+p{project}v{number}``."""

    State = JobState
    Trigger = TrainingTrigger

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tagger_versions")
    number = models.PositiveIntegerField()
    base = models.CharField(max_length=100, help_text="The tagger re-scored, name@version.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    active = models.BooleanField(default=False)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    training_size = models.JSONField(default=dict, blank=True)
    quality = models.JSONField(
        null=True, blank=True, help_text="Held-out figures of the rules alone and re-scored."
    )
    model = models.JSONField(null=True, blank=True, help_text="The fitted numbers.")
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="taggerversion_number"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(active=True), name="taggerversion_one_active"
            ),
            models.CheckConstraint(
                condition=_choices_check("state", JobState), name="taggerversion_state_valid"
            ),
            models.CheckConstraint(
                condition=_choices_check("trigger", TrainingTrigger),
                name="taggerversion_trigger_valid",
            ),
            models.CheckConstraint(
                condition=Q(active=False) | (Q(state="done") & Q(model__isnull=False)),
                name="taggerversion_active_is_trained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state}{', active' if self.active else ''})"

    @property
    def name(self) -> str:
        """The model's name in suggestions' ``tagger_version``: ``p12v3``."""
        return f"p{self.project_id}v{self.number}"


class TaggerCounter(models.Model):
    """Decisions made in a project since its last training was queued."""

    project = models.OneToOneField(
        Project, primary_key=True, on_delete=models.CASCADE, related_name="tagger_counter"
    )
    since_training = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.project_id}: {self.since_training} decisions since training"


class PretagReport(models.Model):
    """What a tagger recorded of its last run on an article, for taggers that report (the LLM
    tagger: requests, retries, prompt and completion tokens, spans not found in the text)."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="pretag_report"
    )
    tagger = models.CharField(max_length=100, help_text="name@version")
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tagger} on article {self.article_id}"


class PasswordResetRequest(models.Model):
    """One request of a password-reset e-mail, counted by ``articles.reset_limits``."""

    mailbox = models.CharField(max_length=64, help_text="SHA-256 of the lower-cased address.")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Password reset asked at {self.created_at:%Y-%m-%d %H:%M}"


class SpanEmbedding(models.Model):
    """A claim span's sentence embedding, for similar claims (``articles/embeddings.py``).

    ``vector`` is the portable copy: unit-length float32, little-endian, read by the
    brute-force search (SQLite, or PostgreSQL without pgvector). On PostgreSQL with pgvector,
    migration 0014 adds an ``embedding vector(384)`` column beside it, unknown to the ORM and
    filled by the service, with an HNSW cosine index. ``project`` repeats the article's so
    the index scan can keep to the caller's projects.
    """

    span = models.OneToOneField(
        Span, primary_key=True, on_delete=models.CASCADE, related_name="embedding"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=100, help_text="name@version of the encoder")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the text embedded")
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["model", "digest"], name="span_embedding_reuse")]

    def __str__(self) -> str:
        return f"{self.model} of span {self.span_id}"
