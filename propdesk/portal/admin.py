from django.contrib import admin

from .models import PortalSettings


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ("service_center", "rating_replaces_return_visit")
