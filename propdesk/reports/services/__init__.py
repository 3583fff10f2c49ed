"""Writes of the reports app: the rollups the worker keeps."""

from .rollup import rollup_rebuild, rollup_tick, rollup_tickets

__all__ = ["rollup_rebuild", "rollup_tick", "rollup_tickets"]
