"""Admin building blocks: every admin save goes through a service and leaves an event; lists are scoped."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Event, PersonalDataAccess
from .services import master_data_save

admin.site.site_header = _("物业服务中心信息沟通平台 · 后台管理")
admin.site.site_title = _("PropDesk 后台")
admin.site.index_title = _("主数据维护")


class ScopedAdmin(admin.ModelAdmin):
    """Lists only what the user may see; saves through ``master_data_save``; never deletes.

    Records that carry history (rooms, households, residents…) are deactivated instead of deleted.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def save_model(self, request, obj, form, change):
        master_data_save(actor=request.user, instance=obj)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "verb", "target_type", "target_repr", "reason")
    list_filter = ("verb", "target_type")
    search_fields = ("target_repr", "verb", "reason")
    date_hierarchy = "at"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "subject_repr", "field", "reason", "ip_address")
    list_filter = ("field",)
    search_fields = ("subject_repr", "reason", "actor__username")
    date_hierarchy = "at"
