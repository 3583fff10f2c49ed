"""Tickets in the admin: read-only and scoped (every change goes through the ticket services and pages)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from propdesk.core import texts
from propdesk.core.admin import ScopedReadOnlyAdmin

from .models import Ticket, TicketEvent


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ("at", "kind", "actor", "from_status", "to_status", "reason_text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("说明"))
    def reason_text(self, obj):
        return texts.render(obj.reason)  # a note the system wrote is msgid + parameters

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ScopedReadOnlyAdmin):
    list_display = ("number", "kind", "status", "community", "title", "received_at")
    list_filter = ("kind", "status", "channel")
    search_fields = ("number", "title")
    date_hierarchy = "received_at"
    list_select_related = ("community",)
    inlines = [TicketEventInline]
    exclude = ("contact_phone",)
