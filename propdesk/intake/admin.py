"""Front-desk records in the admin: read-only and scoped, phones left out (they are masked everywhere)."""

from django.contrib import admin

from propdesk.core.admin import ScopedReadOnlyAdmin

from .models import Interaction


@admin.register(Interaction)
class InteractionAdmin(ScopedReadOnlyAdmin):
    list_display = ("received_at", "channel", "kind", "community", "outcome", "ticket")
    list_filter = ("channel", "kind", "outcome")
    date_hierarchy = "received_at"
    list_select_related = ("community", "ticket")
    exclude = ("caller_phone",)
