from django.contrib import admin

from propdesk.core.admin import ScopedAdmin

from .models import Branch, Company, Department, RoleMembership, ServiceCenter, StaffProfile


@admin.register(Company)
class CompanyAdmin(ScopedAdmin):
    list_display = ("name", "code", "hotline")
    search_fields = ("name", "code")


@admin.register(Branch)
class BranchAdmin(ScopedAdmin):
    list_display = ("name", "company", "code")
    list_filter = ("company",)


@admin.register(ServiceCenter)
class ServiceCenterAdmin(ScopedAdmin):
    list_display = ("name", "code", "branch", "phone")
    list_filter = ("branch",)
    search_fields = ("name", "code")


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ("name", "kind", "service_center", "company", "phone")
    list_filter = ("kind", "service_center")


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedAdmin):
    list_display = ("employee_no", "name", "department", "phone", "extension", "is_active")
    list_filter = ("is_active", "department__kind", "department__service_center")
    search_fields = ("name", "employee_no", "phone", "extension", "user__username")
    autocomplete_fields = ("user",)
    list_select_related = ("department__service_center",)


@admin.register(RoleMembership)
class RoleMembershipAdmin(ScopedAdmin):
    list_display = ("user", "role", "company", "branch", "service_center", "community", "is_active")
    list_filter = ("role", "is_active", "service_center")
    search_fields = ("user__username", "user__staff_profile__name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "company", "branch", "service_center", "community")

    def get_queryset(self, request):
        # Memberships are visible where their scope object is visible.
        from django.db.models import Q

        from propdesk.core.scoping import get_scope

        qs = admin.ModelAdmin.get_queryset(self, request)
        scope = get_scope(request.user)
        if scope.unrestricted:
            return qs
        return qs.filter(
            Q(company__in=scope.company)
            | Q(branch__in=scope.branch)
            | Q(service_center__in=scope.service_center)
            | Q(community__in=scope.community)
        )
