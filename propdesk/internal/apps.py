from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternalConfig(AppConfig):
    name = "propdesk.internal"
    label = "internal"
    verbose_name = _("内部沟通")
