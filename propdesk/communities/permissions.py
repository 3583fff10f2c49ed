"""Who may do what with communities, households and residents' personal data (see core/permissions.py)."""

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import MASTER_DATA_ROLES, UNMASK_ROLES
from propdesk.org.roles import STAFF

community = RuleSet("community", community=lambda c: c.pk, paths={"community": "pk"})
# The community directory and household pages are for employees.
community.allow("browse", STAFF)
# Importing or editing households and residents (master data).
community.allow("import", MASTER_DATA_ROLES)

resident = RuleSet(
    "resident",
    community=lambda r: r.household.unit.building.community_id,
    paths={"community": "household__unit__building__community_id"},
)
# Revealing a masked phone or id number (R-CV-4): the people who must call residents back or verify
# them; every reveal is audited.
resident.allow("reveal", UNMASK_ROLES)
