from django.contrib import admin

from propdesk.core.admin import ReadOnlyAdmin, ScopedAdmin

from .models import BusinessCalendar, CalendarDay, EscalationStep, SlaPolicy, SlaTarget


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "opens", "closes")

    def save_model(self, request, obj, form, change):
        from propdesk.core.services import master_data_save

        master_data_save(actor=request.user, instance=obj)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        from propdesk.core.services import master_data_save

        master_data_save(actor=request.user, instance=obj)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ScopedAdmin):
    list_display = (
        "__str__",
        "code",
        "service_center",
        "start_event",
        "duration_minutes",
        "same_business_day",
        "calendar",
        "requirement",
        "is_active",
    )
    list_filter = ("is_active", "service_center", "start_event")
    search_fields = ("name", "code")

    def get_queryset(self, request):
        # Company defaults (no center) are visible to everyone who may see policies.
        from django.db.models import Q

        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(Q(service_center__isnull=True) | Q(pk__in=SlaPolicy.objects.visible_to(request.user)))


@admin.register(SlaTarget)
class SlaTargetAdmin(ReadOnlyAdmin):
    list_display = (
        "ticket",
        "policy",
        "state",
        "started_at",
        "due_at",
        "stopped_at",
        "breached_at",
        "escalation_level",
    )
    list_filter = ("state", "policy")
    list_select_related = ("ticket", "policy")
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(EscalationStep)
class EscalationStepAdmin(ReadOnlyAdmin):
    list_display = ("target", "level", "when", "due_at", "taken_at", "acknowledged_by", "acknowledged_at")
    list_filter = ("when", "level")
