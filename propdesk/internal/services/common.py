"""What the internal services share: the row lock with its version check, where a staff member works and who
their superiors are."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from propdesk.core.errors import StaleVersion
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership

from .. import permissions  # noqa: F401  (declares the internal rules)


def lock(model, obj, expected_version: int | None, message: str):
    """``obj`` re-read under a row lock; a version other than the caller's is refused (409 in the API)."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(message, code="stale_version")
    return locked


def department_of(user):
    """The user's department at a service center; only the staff of a center use the board and leave."""
    profile = getattr(user, "staff_profile", None)
    department = profile.department if profile else None
    if department is None or department.service_center_id is None:
        raise PermissionDenied(_("只有服务中心的员工可以使用外出登记和请假"))
    return department


def _holders(roles, center, *, department=None) -> list:
    members = RoleMembership.objects.filter(is_active=True, role__in=roles).filter(
        Q(service_center=center.pk) | Q(community__service_center=center.pk)
    )
    users = get_user_model().objects.filter(is_active=True, pk__in=members.values("user"))
    if department is not None:
        users = users.filter(staff_profile__department=department)
    return list(users.select_related("staff_profile").order_by("pk"))


def department_managers(department) -> list:
    """The managers (部门经理) of a department of a center."""
    return _holders([Role.DEPARTMENT_MANAGER], department.service_center, department=department)


def superiors(user) -> list:
    """Whom a staff member reports to: their department's manager, else the center manager (never themselves)."""
    department = department_of(user)
    found = [u for u in department_managers(department) if u.pk != user.pk]
    if not found:
        found = [u for u in _holders([Role.CENTER_MANAGER], department.service_center) if u.pk != user.pk]
    return found


def hr_admins(center) -> list:
    return _holders([Role.HR_ADMIN], center)
