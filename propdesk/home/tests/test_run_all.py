"""`make run`'s process: gunicorn and the worker start together, and stopping it leaves no process behind."""

import os
import select
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from propdesk.testing.servers import free_port

ROOT = Path(__file__).resolve().parents[3]


def _children_of() -> dict[int, int]:
    """{pid: parent pid} of every process on the machine (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ..." — comm may contain spaces, so split after the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    parents = _children_of()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """A migrated SQLite file (the worker's jobs read their tables)."""
    path = tmp_path_factory.mktemp("run_all") / "propdesk.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": f"sqlite:///{path}"}
    env["SECRET_KEY"] = "test-secret-key-for-run-all-0123456789-abcdefghijklmnopqrstuvwxyz"
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def start_run_all(env: dict[str, str]) -> tuple[subprocess.Popen, int, str]:
    """Start run_all and read its output until it says it is running (it has seen /healthz answer)."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "run_all", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**env, "WEB_CONCURRENCY": "2", "PROPDESK_WORKER_TICK_SECONDS": "0.5"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as under a terminal
    )
    output = b""
    deadline = time.monotonic() + 60
    while b"PropDesk is running at" not in output and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"run_all exited early: {(output + process.stdout.read()).decode()}")
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            output += os.read(process.stdout.fileno(), 65536)
    if b"PropDesk is running at" not in output:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"run_all did not start within 60 s: {output.decode()}")
    return process, port, output.decode()


def _wait_for_processes(pid: int, timeout: float = 20) -> set[int]:
    """The process tree once gunicorn's workers and the worker are up (a master with 2 workers + the worker)."""
    deadline = time.monotonic() + timeout
    tree: set[int] = set()
    while time.monotonic() < deadline:
        tree = descendants(pid)
        lines = [command_line(p) for p in tree]
        gunicorns = [line for line in lines if "gunicorn" in line]
        workers = [line for line in lines if "run_worker" in line]
        if len(gunicorns) >= 3 and workers:
            return tree
        time.sleep(0.2)
    pytest.fail(f"expected gunicorn (master + 2 workers) and the worker, found: {[command_line(p) for p in tree]}")


@pytest.mark.parametrize("target", ["process", "process group"])
def test_sigterm_stops_gunicorn_and_the_worker_with_nothing_left_behind(migrated_database, target):
    # Given PropDesk running as `make run` runs it: gunicorn (production settings) and the worker
    process, port, started = start_run_all(migrated_database)
    tree = _wait_for_processes(process.pid)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200
            assert response.headers["Server"].startswith("gunicorn")

        # When it gets SIGTERM (alone, or with its whole process group as a service manager sends it)
        if target == "process":
            process.send_signal(signal.SIGTERM)
        else:
            os.killpg(process.pid, signal.SIGTERM)
        output = started + process.communicate(timeout=30)[0].decode()

        # Then it exits, and so does every process it started: nothing is left listening or running
        assert process.returncode == 0, output
        time.sleep(0.2)
        left = {pid: command_line(pid) for pid in tree if alive(pid)}
        assert left == {}
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        assert "PropDesk is running at http://localhost:" in output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for pid in tree:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
