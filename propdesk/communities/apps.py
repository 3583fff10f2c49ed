from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "propdesk.communities"
    label = "communities"
    verbose_name = _("小区档案")
