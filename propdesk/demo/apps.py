from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo company (``manage.py load_demo``): the top layer, it drives every app below it."""

    name = "propdesk.demo"
    label = "demo"
    verbose_name = _("演示数据")
