"""Endpoints of the JSON API for reports (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["报表统计 Reports"])
