"""The visitor settings of each company (retention, overstay); visits are read on the register pages only."""

from django.contrib import admin

from .models import VisitorSettings


@admin.register(VisitorSettings)
class VisitorSettingsAdmin(admin.ModelAdmin):
    list_display = ("company", "retention_days", "overstay_hours", "day_end")
