"""Who may do what in active communication with customers (the only place that decides it; see
core/permissions.py).

Interviews are made by customer service (assistants, supervisors, receptionists) with the center's managers, and
the engineering (repair manager) and security supervisors take part (001 §4.4.6); the CS supervisor and the center
manager make the plan. Surveys are built by the CS supervisor or the center manager, their scoring formula is
approved by the company's customer-service function (business management or quality department, 001 §4.5.2),
the results reviewed by the center manager and approved by the branch leader (001 §4.7.2). Residents answer the
surveys of their own household. A suggestion box is opened by its owner (any staff role: the clubhouse administrator
owns the clubhouse box); the CS supervisor and the center manager keep the boxes and may stand in.
"""

from django.db.models import Q

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import OVERSIGHT, STAFF

INTERVIEWERS = frozenset(
    {
        Role.CS_ASSISTANT,
        Role.CS_SUPERVISOR,
        Role.RECEPTIONIST,
        Role.CENTER_MANAGER,
        Role.DEPARTMENT_MANAGER,
        Role.REPAIR_MANAGER,
        Role.SECURITY_MANAGER,
    }
)
PLANNERS = frozenset({Role.CS_SUPERVISOR, Role.CENTER_MANAGER})
READERS = INTERVIEWERS | OVERSIGHT
CS_CENTER = frozenset({Role.BUSINESS_DEPT, Role.QUALITY_DEPT})

_PATHS = {"community": "community_id"}


def _community(obj):
    return obj.community_id


interview = RuleSet("interview", community=_community, paths=_PATHS)
interview.allow("record", INTERVIEWERS)
interview.allow("read", READERS)
# Turn a finding into a ticket, print and export the register.
interview.allow("follow_up", INTERVIEWERS)
interview.allow("export", PLANNERS | OVERSIGHT)

interview_plan = RuleSet("interview_plan", community=_community, paths=_PATHS)
interview_plan.allow("make", PLANNERS)
interview_plan.allow("be_on", INTERVIEWERS)
interview_plan.allow("read", READERS)

# Surveys are center-wide (a center surveys its communities); a resident is asked of a probe carrying the
# survey's center and their household.
survey = RuleSet(
    "survey",
    center=lambda s: s.service_center_id,
    household=lambda s: getattr(s, "household_id", None),
    paths={"center": "service_center_id"},
)
survey.allow("build", PLANNERS)
survey.allow("approve_formula", CS_CENTER)
survey.allow("enter", INTERVIEWERS)
survey.allow("read", READERS)
survey.allow("review", {Role.CENTER_MANAGER})
survey.allow("publish", {Role.BRANCH_LEADER})


def _owner(user, box) -> bool:
    return box.owner_id == user.pk


box = RuleSet("box", community=_community, paths=_PATHS)
box.allow("manage", PLANNERS)
box.allow("open", PLANNERS)
box.allow("open", STAFF, when=_owner, q=lambda user: Q(owner=user))
box.allow("read", STAFF | OVERSIGHT)

contact = RuleSet("contact", community=_community, paths=_PATHS)
# Consultations of special customers, owner forums, owners' committee meetings and activities.
contact.allow("record", INTERVIEWERS)
contact.allow("read", READERS)

# A resident answers a survey for their own household (the portal).
survey.allow("respond", residents=True)

# Publishing to customers as a notice (001 §4.7.2): the survey results once the branch leader approved them, a
# forum's or committee meeting's opinions summarised; the notice is then approved and posted in the notices app.
survey.allow("announce", PLANNERS)
contact.allow("announce", PLANNERS)

# Community cultural activities (001 §4.6.3): planned and recorded by customer service, announced by the keepers.
ORGANISERS = frozenset({Role.CS_ASSISTANT, Role.CS_SUPERVISOR, Role.CENTER_MANAGER})
activity = RuleSet("activity", community=_community, paths=_PATHS)
activity.allow("plan", ORGANISERS)
activity.allow("announce", PLANNERS)
activity.allow("read", READERS)
