"""Endpoints of the JSON API for portal (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["住户服务 Portal"])
