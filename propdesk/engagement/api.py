"""Endpoints of the JSON API for engagement (mounted by config/api.py): the interview planner and register
(api_interviews.py), the satisfaction surveys with the resident's portal side, suggestion boxes, consultations and
meetings (api_contacts.py)."""

from ninja import Router

from .api_contacts import router as contacts
from .api_interviews import router as interviews
from .api_more import router as more

router = Router(tags=["主动沟通 Engagement"])
router.add_router("", interviews)
router.add_router("", contacts)
router.add_router("", more)
