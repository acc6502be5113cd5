"""A project's learned re-scorer: one row per trained version, and the decision counter that
starts the next training. Re-exported from ``articles.models``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models import JobState, Project, _choices_check


class TrainingTrigger(models.TextChoices):
    MANUAL = "manual"  # POST /api/projects/{id}/tagger/train/
    AUTO = "auto"  # TAGGER_RETRAIN_EVERY new decisions


class TaggerVersion(models.Model):
    """One training of a project's re-scorer (``articles.tagging.training``): its state as a
    Celery job, what it was trained on, its held-out figures and its fitted numbers. At most
    one version of a project is active; the project's pre-tagger is then the rules with it,
    and its suggestions carry ``rules@1.6+p{project}v{number}``."""

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
