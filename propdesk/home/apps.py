from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The role-aware home page and ``manage.py run_all``: the top layer, it links to every app."""

    name = "propdesk.home"
    label = "home"
    verbose_name = _("首页")
