"""Endpoints of the JSON API for procedure training (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["培训 Training"])
