"""Start the web server and the background worker together; stop both on Ctrl-C or SIGTERM.

The web server is gunicorn (``make run``) or Django's development server with ``--dev`` (``make dev``).
Each child runs in a process group of its own, which this command signals as a whole when it stops,
so that gunicorn's workers and the development server's reloader go too; on Linux each child is also
told to stop if this command dies without cleaning up (``PR_SET_PDEATHSIG``). No process is left behind.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.core.management.base import BaseCommand

from propdesk.demo.loader import demo_logins

# Seconds gunicorn gets to finish the requests in flight before its workers are killed; run_all waits a
# little longer than that before it kills what is left.
GRACEFUL_SECONDS = 5
KILL_AFTER_SECONDS = GRACEFUL_SECONDS + 5
PR_SET_PDEATHSIG = 1


def _die_with_parent_hook():
    """A function for ``preexec_fn`` that asks the kernel to send SIGTERM to the child when its parent
    (run_all) dies, however it dies; None where there is no ``prctl`` (not Linux). Looked up here, in the
    parent: between fork and exec the child should only make the call."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def hook() -> None:  # pragma: no cover - runs in the child
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return hook


def web_command(*, host: str, port: str, dev: bool) -> list[str]:
    if dev:
        return [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--skip-checks"]
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        bind,
        # WEB_CONCURRENCY (gunicorn's own variable) overrides the number of processes.
        "--workers",
        os.environ.get("WEB_CONCURRENCY", "2"),
        "--threads",
        os.environ.get("PROPDESK_WEB_THREADS", "4"),
        "--timeout",
        "120",
        "--graceful-timeout",
        str(GRACEFUL_SECONDS),
        "--no-control-socket",
        "--error-logfile",
        "-",
    ]


class Command(BaseCommand):
    help = "Run the web server and the worker together (used by `make run` and `make dev`)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--dev", action="store_true", help="Django's development server (debug, reloads)")

    def handle(self, *args, host: str, port: str, dev: bool, **options):
        self.children: list[subprocess.Popen] = []
        self.stopping = False
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGHUP, self._on_signal)
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host  # noqa: S104
        url = f"http://{shown}:{port}/"
        # Links in messages (an SMS sign-in link, a notification's page) point at this server unless the
        # address the outside world uses is configured.
        os.environ.setdefault("PROPDESK_BASE_URL", url.rstrip("/"))
        try:
            self._start(web_command(host=host, port=port, dev=dev))
            self._start([sys.executable, "manage.py", "run_worker"])
            local = host in ("0.0.0.0", "127.0.0.1", "::")  # noqa: S104
            if self._wait_until_up(f"http://127.0.0.1:{port}/healthz" if local else f"{url}healthz"):
                self._greet(url)
            while not self.stopping and all(child.poll() is None for child in self.children):
                time.sleep(0.2)
        finally:
            self._stop_all()
        codes = [child.returncode for child in self.children]
        if not self.stopping and any(code != 0 for code in codes):
            sys.exit(1)

    def _start(self, command: list[str]) -> None:
        self.children.append(subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent_hook()))

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def _stop_all(self) -> None:
        for child in self.children:
            self._signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + KILL_AFTER_SECONDS
        for child in self.children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Whatever is still there (the child, or a grandchild in its group) is killed.
        for child in self.children:
            self._signal_group(child, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=5)

    @staticmethod
    def _signal_group(child: subprocess.Popen, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signum)

    def _greet(self, url: str) -> None:
        password = os.environ.get("DEMO_PASSWORD") or "demo1234"
        self.stdout.write(self.style.SUCCESS(f"\nPropDesk is running at {url}  (Ctrl-C stops it)"))
        self.stdout.write(f"Demo logins (password: {password}):")
        for username, role, where in demo_logins():
            self.stdout.write(f"  {username:<16} {role}  ({where})")
        self.stdout.flush()

    def _wait_until_up(self, url: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stopping:
            if any(child.poll() is not None for child in self.children):
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own local server)
                    if response.status == 200:
                        return True
            except OSError:
                time.sleep(0.3)
        if not self.stopping:
            self.stderr.write(f"The web server did not answer at {url} within {timeout:.0f}s.")
        return False
