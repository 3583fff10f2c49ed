"""What the training services share: the row lock with its version check, who the center's people are (the
targets of a procedure resolved to people) and who manages a department."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from propdesk.core.errors import StaleVersion, field_error
from propdesk.org.choices import MEMBERSHIP_ROLES, Role
from propdesk.org.models import Department, RoleMembership

from .. import permissions  # noqa: F401  (declares the training rules)


def lock(model, obj, expected_version: int | None, message: str):
    """``obj`` re-read under a row lock; a version other than the caller's is refused (409 in the API)."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(message, code="stale_version")
    return locked


def _at_center(center_id: int) -> Q:
    return Q(service_center=center_id) | Q(community__service_center=center_id)


def center_people(center_id: int):
    """The active staff of a center: a department of the center, or a role held at the center or its communities."""
    members = RoleMembership.objects.filter(_at_center(center_id), is_active=True)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(staff_profile__department__service_center=center_id, staff_profile__is_active=True)
            | Q(pk__in=members.values("user"))
        )
    )


def clean_targets(center, roles, department_ids, user_ids):
    """The targets as given, checked: known staff roles, departments and people of this center."""
    roles = [str(r) for r in dict.fromkeys(roles or [])]
    if any(r not in MEMBERSHIP_ROLES for r in roles):
        raise field_error("roles", _("岗位不正确"), "invalid_choice")
    department_ids = list(dict.fromkeys(department_ids or []))
    if Department.objects.filter(pk__in=department_ids, service_center=center).count() != len(department_ids):
        raise field_error("department_ids", _("只能选择本服务中心的部门"), "invalid_choice")
    user_ids = list(dict.fromkeys(user_ids or []))
    if center_people(center.pk).filter(pk__in=user_ids).count() != len(user_ids):
        raise field_error("user_ids", _("只能指定本服务中心的在职员工"), "invalid_choice")
    if not (roles or department_ids or user_ids):
        raise field_error("roles", _("请指定培训范围（岗位、部门或人员）"), "required")
    return roles, department_ids, user_ids


def resolve(procedure) -> list:
    """The people a procedure's targets name today: holders of a targeted role at the center, the staff of a
    targeted department, and the named people — active staff only, each once."""
    center_id = procedure.service_center_id
    members = RoleMembership.objects.filter(_at_center(center_id), is_active=True, role__in=procedure.target_roles)
    department_ids = list(procedure.target_departments.values_list("pk", flat=True))
    user_ids = list(procedure.target_users.values_list("pk", flat=True))
    wanted = Q(pk__in=members.values("user")) | Q(pk__in=user_ids)
    wanted |= Q(staff_profile__department_id__in=department_ids, staff_profile__is_active=True)
    return list(center_people(center_id).filter(wanted).distinct().order_by("pk"))


def _holders(roles, center_id: int):
    members = RoleMembership.objects.filter(_at_center(center_id), is_active=True, role__in=roles)
    return get_user_model().objects.filter(is_active=True, pk__in=members.values("user")).order_by("pk")


def department_managers(department_id: int | None, center_id: int) -> list:
    """Whom an untrained person's lateness goes to: their department's manager(s), else the center manager."""
    managers = list(_holders([Role.DEPARTMENT_MANAGER], center_id).filter(staff_profile__department_id=department_id))
    return managers or list(_holders([Role.CENTER_MANAGER], center_id))


def hr_admins(center_id: int) -> list:
    return list(_holders([Role.HR_ADMIN], center_id))
