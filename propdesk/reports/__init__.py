"""Reports and statistics (R-RP): read-only over the other apps, from rollups the worker keeps current."""
