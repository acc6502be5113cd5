from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Articles and annotations"

    def ready(self) -> None:
        from annotator.celery import ensure_broker_folders

        # The web process enqueues into the same folders the worker reads.
        ensure_broker_folders()
