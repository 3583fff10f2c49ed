"""Groups of staff roles (SPEC §1) that the apps' permission rule sets are written in.

The groups describe jobs, not permissions: which group may do what is decided only in each app's
``permissions.py``.
"""

from .choices import MEMBERSHIP_ROLES, Role

# Everyone employed by the company (every role granted by a membership).
STAFF = MEMBERSHIP_ROLES
# Field staff: they see and work on what is assigned to them.
FIELD = frozenset({Role.TECHNICIAN, Role.HOUSEKEEPER, Role.SECURITY_GUARD})
# The front desk, the control center and customer service (前台、控制中心、客服人员).
FRONT = frozenset({Role.CONTROL_OPERATOR, Role.RECEPTIONIST, Role.CS_ASSISTANT, Role.CS_SUPERVISOR})
# The center's managers.
MANAGERS = frozenset({Role.CENTER_MANAGER, Role.DEPARTMENT_MANAGER, Role.REPAIR_MANAGER, Role.SECURITY_MANAGER})
# Company and branch functions that oversee centers (read, check, report) but do not handle requests.
OVERSIGHT = frozenset({Role.QUALITY_DEPT, Role.BUSINESS_DEPT, Role.BRANCH_LEADER})
# Back-office roles of a center with no part in handling customers' requests.
BACK_OFFICE = frozenset({Role.INFO_MANAGER, Role.HR_ADMIN, Role.RECORDS_CLERK, Role.CLUBHOUSE_ADMIN})
# Who handles customers' requests: the front line and the managers.
HANDLERS = FRONT | MANAGERS
