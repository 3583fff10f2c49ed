"""Start the web server and the background worker together; stop both on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.core.management.base import BaseCommand

from propdesk.demo.loader import demo_logins


class Command(BaseCommand):
    help = "Run the web server and the worker together (used by `make run`)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, host: str, port: str, **options):
        manage = [sys.executable, "manage.py"]
        children = [
            subprocess.Popen([*manage, "runserver", f"{host}:{port}", "--noreload", "--skip-checks"]),
            subprocess.Popen([*manage, "run_worker"]),
        ]

        def shutdown(*_args):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, shutdown)
        signal.signal(signal.SIGINT, shutdown)
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host  # noqa: S104
        url = f"http://{shown}:{port}/"
        local = host in ("0.0.0.0", "127.0.0.1", "::")  # noqa: S104
        self._wait_until_up(f"http://127.0.0.1:{port}/healthz" if local else f"{url}healthz")
        password = os.environ.get("DEMO_PASSWORD") or "demo1234"
        self.stdout.write(self.style.SUCCESS(f"\nPropDesk is running at {url}  (Ctrl-C stops it)"))
        self.stdout.write(f"Demo logins (password: {password}):")
        for username, role, where in demo_logins():
            self.stdout.write(f"  {username:<16} {role}  ({where})")
        self.stdout.flush()
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            shutdown()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            sys.exit(1)

    def _wait_until_up(self, url: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own local server)
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stderr.write(f"The web server did not answer at {url} within {timeout:.0f}s.")
