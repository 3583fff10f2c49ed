"""The data behind warnings: each company's level → action rules and the official CAP feeds. Notices,
warnings and broadcasts themselves are handled on their pages, where the rules and the chain apply."""

from django.contrib import admin

from .models import CapFeed, WarningRule


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ("company", "hazard", "level", "broadcast")
    list_filter = ("company", "hazard")


@admin.register(CapFeed)
class CapFeedAdmin(admin.ModelAdmin):
    list_display = ("name", "service_center", "is_active")
    list_filter = ("is_active",)
