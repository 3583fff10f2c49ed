from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from propdesk.core.admin import ScopedAdmin
from propdesk.core.masking import mask_id_number, mask_phone

from .models import Building, Community, Developer, Household, Resident, SpecialCustomer, Unit, Vendor
from .validators import normalize_phone, validate_id_number, validate_phone


@admin.register(Developer)
class DeveloperAdmin(ScopedAdmin):
    list_display = ("name", "project_dept_contact", "project_dept_phone", "cs_center_contact", "cs_center_phone")
    search_fields = ("name",)


@admin.register(Vendor)
class VendorAdmin(ScopedAdmin):
    list_display = ("name", "category", "contact", "phone", "promised_response_hours", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name", "contact")
    filter_horizontal = ("communities",)


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ("name", "code", "service_center", "household_count", "single_owner", "handover_date", "developer")
    list_filter = ("service_center", "single_owner")
    search_fields = ("name", "code")


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ("name", "community", "developer", "warranty_end")
    list_filter = ("community",)
    search_fields = ("name", "community__name")


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ("label", "building", "floor", "area", "warranty_end", "code")
    list_filter = ("building__community",)
    search_fields = ("code", "number")
    list_select_related = ("building__community",)
    raw_id_fields = ("building",)


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ("unit", "is_active", "moved_in", "moved_out")
    list_filter = ("is_active", "unit__building__community")
    search_fields = ("unit__code",)
    list_select_related = ("unit__building__community",)
    raw_id_fields = ("unit",)


class ResidentAdminForm(forms.ModelForm):
    """Phone and id number are write-only here: the form shows them masked and replaces them when
    a new value is typed, so opening a resident in the admin never reveals them unaudited."""

    new_phone = forms.CharField(label=_("新电话"), required=False, max_length=20, validators=[validate_phone])
    new_id_number = forms.CharField(
        label=_("新证件号码"), required=False, max_length=20, validators=[validate_id_number]
    )

    class Meta:
        model = Resident
        fields = ("household", "name", "relation", "is_active", "user")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            masked = mask_phone(self.instance.phone) or "—"
            self.fields["new_phone"].help_text = _("当前：%(v)s；留空则不修改") % {"v": masked}
            self.fields["new_id_number"].help_text = _("当前：%(v)s；留空则不修改") % {
                "v": mask_id_number(self.instance.id_number) or "—"
            }

    def save(self, commit=True):
        if self.cleaned_data.get("new_phone"):
            self.instance.phone = normalize_phone(self.cleaned_data["new_phone"])
        if self.cleaned_data.get("new_id_number"):
            self.instance.id_number = self.cleaned_data["new_id_number"].strip().upper()
        return super().save(commit=commit)


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    """Phones and id numbers are masked in the list and write-only in the form.

    The full values are revealed, with an audit row, on the household page.
    """

    form = ResidentAdminForm

    list_display = ("name", "household", "relation", "masked_phone", "masked_id", "is_active")
    list_filter = ("relation", "is_active", "household__unit__building__community")
    search_fields = ("name", "household__unit__code")
    list_select_related = ("household__unit__building__community",)
    raw_id_fields = ("household", "user")

    @admin.display(description=_("电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)

    def get_search_results(self, request, queryset, search_term):
        # Searching by a full phone number finds the resident without showing the number.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.isdigit() and len(search_term) >= 7:
            queryset |= self.get_queryset(request).filter(phone=search_term)
        return queryset, may_have_duplicates


@admin.register(SpecialCustomer)
class SpecialCustomerAdmin(ScopedAdmin):
    list_display = ("name", "kind", "community", "contact", "phone", "is_active")
    list_filter = ("kind", "community")
    search_fields = ("name",)
