"""Department kinds and staff roles (SPEC §1), with the level each role is scoped at."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("客户服务部")
    CONTROL_CENTER = "control_center", _("控制中心")
    ENGINEERING = "engineering", _("工程维修部")
    HOUSEKEEPING = "housekeeping", _("家政清洁部")
    SECURITY = "security", _("安全管理部")
    HR = "hr", _("人事行政部")
    OFFICE = "office", _("综合办公室")
    QUALITY = "quality", _("品质部")
    BUSINESS = "business", _("业务管理部")


class Role(models.TextChoices):
    CONTROL_OPERATOR = "control_operator", _("控制中心值班员")
    RECEPTIONIST = "receptionist", _("客户接待员")
    CS_ASSISTANT = "cs_assistant", _("客服助理")
    CS_SUPERVISOR = "cs_supervisor", _("客服主管")
    CENTER_MANAGER = "center_manager", _("服务中心经理")
    DEPARTMENT_MANAGER = "department_manager", _("部门经理")
    REPAIR_MANAGER = "repair_manager", _("维修管理员")
    SECURITY_MANAGER = "security_manager", _("安全管理员")
    TECHNICIAN = "technician", _("维修人员")
    HOUSEKEEPER = "housekeeper", _("家政清洁服务人员")
    SECURITY_GUARD = "security_guard", _("安全员")
    INFO_MANAGER = "info_manager", _("信息管理员")
    HR_ADMIN = "hr_admin", _("人事管理员")
    RECORDS_CLERK = "records_clerk", _("资料管理员")
    CLUBHOUSE_ADMIN = "clubhouse_admin", _("会所管理员")
    QUALITY_DEPT = "quality_dept", _("公司品质部")
    BUSINESS_DEPT = "business_dept", _("公司业务管理部")
    BRANCH_LEADER = "branch_leader", _("分公司领导")
    RESIDENT = "resident", _("业主/住户")


class ScopeLevel(models.TextChoices):
    COMPANY = "company", _("公司")
    BRANCH = "branch", _("分公司")
    SERVICE_CENTER = "service_center", _("服务中心")
    COMMUNITY = "community", _("小区")


COMPANY_ROLES = frozenset({Role.QUALITY_DEPT, Role.BUSINESS_DEPT})
BRANCH_ROLES = frozenset({Role.BRANCH_LEADER})
# A resident's role comes from their resident record (communities.Resident.user), not a membership.
MEMBERSHIP_ROLES = frozenset(set(Role) - {Role.RESIDENT})


def allowed_levels(role: str) -> frozenset[str]:
    """The scope levels a membership of this role may be granted at."""
    if role in COMPANY_ROLES:
        return frozenset({ScopeLevel.COMPANY})
    if role in BRANCH_ROLES:
        return frozenset({ScopeLevel.BRANCH})
    if role == Role.RESIDENT:
        return frozenset()
    return frozenset({ScopeLevel.SERVICE_CENTER, ScopeLevel.COMMUNITY})


# Who may reveal a resident's masked phone or id number (R-CV-4): the people who must call
# residents back or verify them. Every reveal is audited.
UNMASK_ROLES = frozenset(
    {
        Role.CONTROL_OPERATOR,
        Role.RECEPTIONIST,
        Role.CS_ASSISTANT,
        Role.CS_SUPERVISOR,
        Role.CENTER_MANAGER,
        Role.INFO_MANAGER,
    }
)

# Who may import or edit community master data (households, residents).
MASTER_DATA_ROLES = frozenset({Role.INFO_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_MANAGER})
