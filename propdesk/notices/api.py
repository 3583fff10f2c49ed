"""Endpoints of the JSON API for notices (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["公告预警 Notices"])
