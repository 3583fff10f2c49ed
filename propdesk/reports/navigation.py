"""The report pages on the home page."""

NAV_ENTRIES: tuple = ()
