"""Endpoints of the JSON API for internal (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["内部沟通 Internal"])
