from propdesk.core.worker import periodic  # noqa: F401
