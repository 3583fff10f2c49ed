from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "propdesk.engagement"
    label = "engagement"
    verbose_name = _("主动沟通")
