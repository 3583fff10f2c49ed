"""Admin building blocks: every admin save goes through a service and leaves an event; lists are scoped."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .masking import phone_digest
from .models import Event, PersonalDataAccess, PhoneSearch
from .people import person_name
from .permissions import can, restrict
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

    def get_field_queryset(self, db, db_field, request):
        # Foreign-key choices are scoped too: nobody can move an object into a scope they cannot see.
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db)
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        return queryset

    def get_list_filter(self, request):
        # Related-field filters list only related objects that occur in the scoped rows.
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and _is_relation_path(self.model, entry):
                filters.append((entry, admin.RelatedOnlyFieldListFilter))
            else:
                filters.append(entry)
        return filters

    def save_model(self, request, obj, form, change):
        master_data_save(actor=request.user, instance=obj)

    def has_delete_permission(self, request, obj=None):
        return False


def _is_relation_path(model, path: str) -> bool:
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if not field.is_relation:
            return False
        model = field.related_model
    return field is not None and field.is_relation


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit trails: nobody adds, changes or deletes rows; each user lists the rows the rules allow."""

    view_action = "audit.view"

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, self.view_action)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or can(request.user, self.view_action, obj))

    @admin.display(description=_("操作人"))
    def actor_name(self, row) -> str:
        return person_name(row.actor, "—")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "verb", "target_type", "target_repr", "reason")
    list_filter = ("verb", "target_type")
    search_fields = ("target_repr", "verb", "reason")
    date_hierarchy = "at"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "subject_repr", "field", "purpose", "reason", "ip_address")
    list_filter = ("field", "purpose")
    search_fields = ("subject_repr", "reason", "actor__username")
    date_hierarchy = "at"


@admin.register(PhoneSearch)
class PhoneSearchAdmin(ReadOnlyAdmin):
    """Searches by phone number. Typing a whole number into the search box finds the searches for it
    (compared by digest: the rows hold no number in clear)."""

    list_display = ("at", "actor_name", "source", "number_masked", "complete", "refused", "matches", "ip_address")
    list_filter = ("source", "complete", "refused")
    search_fields = ("actor__username", "actor__staff_profile__name")
    date_hierarchy = "at"

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = "".join(ch for ch in search_term if ch.isdigit())
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        if len(digits) >= 7:
            found |= queryset.filter(number_digest=phone_digest(digits))
        return found, may_have_duplicates


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    """Domain records that change only through their services (tickets, interactions): the admin lists
    what the user may see and shows it, and never adds, changes or deletes."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
