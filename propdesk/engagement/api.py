"""Endpoints of the JSON API for engagement (mounted by config/api.py): the interview planner and register, the
satisfaction surveys, suggestion boxes, consultations and meetings — each section in its own module."""

from ninja import Router

from .api_interviews import router as interviews

router = Router(tags=["主动沟通 Engagement"])
router.add_router("", interviews)
