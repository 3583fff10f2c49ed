from django.contrib import admin

from propdesk.core.admin import ReadOnlyAdmin
from propdesk.core.permissions import can, require, restrict

from . import permissions  # noqa: F401  (declares the dispatch rules)
from .models import DispatchSettings, DutyEvent, HousekeepingArrangement, RotaEntry, ShiftTemplate, WorkOrder


class ServicedAdmin(admin.ModelAdmin):
    """Settings-like rows of one service center saved through the generic master-data service (validated,
    with an event). Whose rows a user may see and change is the rule set's ``change_action``."""

    change_action = ""

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, self.change_action)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can(request.user, self.change_action, obj))

    def save_model(self, request, obj, form, change):
        from propdesk.core.services import master_data_save

        require(request.user, self.change_action, obj)
        master_data_save(actor=request.user, instance=obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(ServicedAdmin):
    change_action = "dispatch_settings.change"
    list_display = ("service_center", "mode", "return_visit_policy", "sample_percent", "max_visit_attempts")


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(ServicedAdmin):
    change_action = "shift.change"
    list_display = ("__str__", "department", "starts", "ends")
    list_filter = ("department__service_center",)


@admin.register(RotaEntry)
class RotaEntryAdmin(ReadOnlyAdmin):
    list_display = ("date", "shift", "user", "starts_at", "ends_at")
    date_hierarchy = "date"


@admin.register(HousekeepingArrangement)
class HousekeepingArrangementAdmin(ReadOnlyAdmin):
    list_display = ("household", "weekday", "starts", "ends", "worker", "description", "is_active", "generated_until")


@admin.register(DutyEvent)
class DutyEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "until", "note", "actor")
    list_filter = ("kind",)


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "trade", "routing", "assignee", "created_at")
    list_filter = ("status", "routing", "trade")
    search_fields = ("number",)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
