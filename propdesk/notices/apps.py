from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "propdesk.notices"
    label = "notices"
    verbose_name = _("公告与预警")
