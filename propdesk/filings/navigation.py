"""This app's entries on the home page."""

NAV_ENTRIES: tuple = ()
