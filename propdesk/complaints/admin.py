from django.contrib import admin

from .models import CollectiveComplaint, Complaint, ComplaintEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Complaints change only through their services (each change an event); the admin reads."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "community", "responsibility_class", "validity", "owner", "is_repeat", "major")
    list_filter = ("responsibility_class", "validity", "is_repeat", "major", "written")
    search_fields = ("ticket__number", "ticket__title")


@admin.register(CollectiveComplaint)
class CollectiveComplaintAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "opened_at", "status")


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "kind", "at", "actor")

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).filter(
            complaint__in=Complaint.objects.visible_to(request.user).values("pk")
        )
