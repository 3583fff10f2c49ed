"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser build)."""

import os
import shutil
from contextlib import contextmanager

CHROMIUM = os.environ.get("PROPDESK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def has_chromium() -> bool:
    return bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM))


@contextmanager
def chromium():
    """A launched Chromium, closed on exit."""
    # Playwright's sync API runs an event loop; Django refuses sync ORM calls inside one unless allowed.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()
