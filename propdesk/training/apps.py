from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Training for new procedures (R-IC-5): who must be trained, sessions, attendance, the untrained."""

    name = "propdesk.training"
    label = "training"
    verbose_name = _("新程序培训")

    def ready(self) -> None:
        from . import jobs, permissions  # noqa: F401  (registers the jobs; declares the rules)
