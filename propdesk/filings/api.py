"""Endpoints of the JSON API for the reports handed in on deadlines (mounted by config/api.py)."""

from ninja import Router

router = Router(tags=["报告报送 Filings"])
