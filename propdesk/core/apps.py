from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "propdesk.core"
    label = "core"
    verbose_name = _("系统核心")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from . import jobs  # noqa: F401  (registers the periodic jobs)
        from .auth import on_locked_out

        # axes reports lockouts only by this signal: an audit hook on a library, not domain logic.
        user_locked_out.connect(on_locked_out, dispatch_uid="propdesk.core.auth.on_locked_out")
