"""Helpers shared by the benchmark scripts (not a benchmark itself).

Everything here talks only to 127.0.0.1: the PostgreSQL server of the benchmark database and the
gunicorn/worker processes the scripts start themselves.
"""

import datetime as dt
import http.client
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
MANAGE = REPO / "manage.py"

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
DEFAULT_DB = "propdesk_bench"
# Not a secret: only used by the benchmark's own short-lived processes on 127.0.0.1.
BENCH_SECRET_KEY = "propdesk-bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"


# Databases the scripts may drop and rewrite: the benchmark's and the performance work's scratch ones.
BENCH_DB_PREFIXES = ("propdesk_bench", "propdesk_perf")


def check_db_name(name: str) -> str:
    """The scripts drop and rewrite their database: refuse anything that is not a bench database."""
    if not name.startswith(BENCH_DB_PREFIXES):
        raise SystemExit(f"refusing to use database {name!r}: the name must start with one of {BENCH_DB_PREFIXES}")
    return name


def database_url(db: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{db}"


def prod_env(db: str, **extra: str) -> dict[str, str]:
    """Environment of a production process (config.settings.prod) pointed at the bench database."""
    env = dict(os.environ)
    for name in list(env):
        # Nothing from the caller's shell may redirect the benchmark elsewhere.
        if name.startswith(("PROPDESK_", "DB_", "DATABASE_")) or name in {"DJANGO_SETTINGS_MODULE", "DEBUG"}:
            env.pop(name)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url(db),
        DB_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
        # No SMTP server on the bench machine: mail (if any) goes to the console backend.
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    env.update(extra)
    return env


def setup_django(db: str) -> None:
    """Configure Django in this process with the production settings against the bench database."""
    os.environ.update(prod_env(db))
    for name in list(os.environ):
        if name.startswith(("PROPDESK_",)):
            os.environ.pop(name)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def pg_connect(db: str, autocommit: bool = True):
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=db, autocommit=autocommit)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(values_s: list[float]) -> dict[str, float]:
    """p50/p95/p99/max/mean in milliseconds of durations given in seconds."""
    ms = [v * 1000 for v in values_s]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms),
        "mean": statistics.fmean(ms),
    }


def machine_info(db: str | None = None) -> dict[str, str]:
    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
    }
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
        info["memory"] = f"{kb / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if db:
        with pg_connect(db) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    return info


def run(cmd: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=REPO, timeout=timeout, check=True, text=True, capture_output=True)


def fmt_row(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def loadavg() -> float:
    """The 1-minute load average (the machine is shared: other work skews the numbers)."""
    return os.getloadavg()[0]


def wait_quiet(max_wait: float, threshold: float, label: str = "") -> float:
    """Wait up to ``max_wait`` s until the 1-minute load average is at most ``threshold``; return it.

    The bench machine may be shared with test runs; numbers taken under load are not comparable."""
    import time

    deadline = time.monotonic() + max_wait
    load = loadavg()
    announced = False
    while load > threshold and time.monotonic() < deadline:
        if not announced:
            print(
                f"   waiting for a quiet machine{(' before ' + label) if label else ''}: load {load:.2f} "
                f"> {threshold} (up to {max_wait:.0f} s)",
                flush=True,
            )
            announced = True
        time.sleep(5)
        load = loadavg()
    if load > threshold:
        print(f"   WARNING: machine still busy (load {load:.2f}); numbers below are taken under load", flush=True)
    return load


_CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLK
    except (OSError, IndexError, ValueError):
        return 0.0


def child_pids(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def backend_pids(conn, db: str) -> list[int]:
    """PostgreSQL backends connected to the bench database (only the benchmark's processes use it)."""
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (db,)
    ).fetchall()
    return [r[0] for r in rows]


class CpuMeter:
    """CPU seconds used by a set of processes (app processes + their database backends) over a phase.

    The machine may be shared; CPU time per request is a measure that other load hardly changes.
    ``sample()`` during the phase keeps the last value of processes that exit before the end (a backend
    closed by CONN_MAX_AGE, a recycled worker), so their CPU is not lost."""

    def __init__(self, db: str, app_pids):
        self.db = db
        self.app_pids = app_pids  # callable → list of pids
        self.start: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.kind: dict[int, str] = {}

    def sample(self, conn=None) -> None:
        if conn is None:
            with pg_connect(self.db) as own:
                backends = backend_pids(own, self.db)
        else:
            backends = backend_pids(conn, self.db)
        for kind, pids in (("app", list(self.app_pids())), ("db", backends)):
            for pid in pids:
                value = proc_cpu(pid)
                if value > 0:
                    self.last[pid] = max(self.last.get(pid, 0.0), value)
                    self.kind[pid] = kind

    def begin(self, conn=None) -> None:
        self.last.clear()
        self.sample(conn)
        self.start = dict(self.last)

    def end(self, conn=None) -> dict[str, float]:
        self.sample(conn)
        used = {"app": 0.0, "db": 0.0}
        for pid, value in self.last.items():
            used[self.kind[pid]] += value - self.start.get(pid, 0.0)
        return {"app_cpu_s": used["app"], "db_cpu_s": used["db"]}


def serve(
    command: list[str],
    *,
    env: dict[str, str],
    log_path: Path,
    port: int,
    cwd: Path = REPO,
    probe: str = "/healthz",
    wait: float = 240,
    ready: Callable[[subprocess.Popen], bool] | None = None,
) -> subprocess.Popen:
    """Start a server (gunicorn) in its own process group, its output to ``log_path``, and return it once
    ``GET probe`` on 127.0.0.1:``port`` answers (and ``ready(proc)`` holds, when given). A loaded machine may
    take a minute or more to import the project in every worker: the probe has a long timeout, because probes
    that time out and are retried queue up behind the first one."""
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{Path(command[0]).name} exited with {proc.returncode}; see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", probe)
            conn.getresponse().read()
            conn.close()
            if ready is None or ready(proc):
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit(f"{' '.join(command[:2])} did not answer within {wait:.0f} s; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by ``serve`` (its master stops its workers; the group is killed if it hangs)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
