from django.contrib import admin

from propdesk.core.admin import ReadOnlyAdmin

from .models import DispatchSettings, DutyEvent, HousekeepingArrangement, RotaEntry, ShiftTemplate, WorkOrder


class ServicedAdmin(admin.ModelAdmin):
    """Settings-like rows saved through the generic master-data service (validated, with an event)."""

    def save_model(self, request, obj, form, change):
        from propdesk.core.services import master_data_save

        master_data_save(actor=request.user, instance=obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DispatchSettings)
class DispatchSettingsAdmin(ServicedAdmin):
    list_display = ("service_center", "mode", "return_visit_policy", "sample_percent", "max_visit_attempts")


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(ServicedAdmin):
    list_display = ("name", "department", "starts", "ends")
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
