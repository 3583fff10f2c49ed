"""Endpoints of the JSON API for engagement (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["主动沟通 Engagement"])
