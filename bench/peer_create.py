"""Ticket creation side by side with django-helpdesk: one PostgreSQL, one load generator, the same gunicorn.

    .venv/bin/python bench/peer_create.py                         # 20 s rounds, A B A B, at 1 and 8 clients
    .venv/bin/python bench/peer_create.py --round-seconds 5       # a quick check (noisy)

Steps (each is skipped when already done, so an interrupted run is resumed by running the command again;
``--fresh`` forgets the recorded rounds):

1. a throwaway virtualenv **outside the repository** (``--peer-dir``, default ``/tmp/peer_helpdesk``) with
   django-helpdesk 2.6.1, gunicorn and psycopg from PyPI;
2. a minimal Django project for it in that folder (helpdesk, Django REST framework with token
   authentication, mail to a dummy backend) against its own PostgreSQL database ``--peer-db``, migrated,
   with one staff user, its API token and one queue;
3. PropDesk's database ``--db``: used as it is when it exists (``bench/load_pg.py`` builds the 1M one), else a
   small one is built with ``bench/load_pg.py`` (``--small-tickets`` tickets);
4. both served by ``gunicorn --workers 2 --threads 4`` (what ``make run`` starts; ``--threads 1`` gives
   gunicorn's sync worker), one after the other, never together;
5. rounds of ``--round-seconds`` alternating PropDesk (A) and django-helpdesk (B), ``A B A B`` at each client
   count, driven by ``bench/api_bench.py``'s generator (threads with keep-alive ``http.client``):
   PropDesk ``POST /api/v1/tickets`` (``--kind``, default a complaint; bearer token, a fresh
   ``Idempotency-Key``) and
   django-helpdesk ``POST /api/tickets/`` (a ticket in the queue, DRF token);
6. prints each round, the medians and the ratio PropDesk / django-helpdesk.

Rounds are recorded in ``<peer-dir>/rounds.json`` as they finish. Only 127.0.0.1 is contacted (and PyPI
through pip in step 1).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_bench
from _common import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    PYTHON,
    REPO,
    check_db_name,
    loadavg,
    machine_info,
    pg_connect,
    prod_env,
    serve,
    stop_server,
)

PEER_VERSION = "2.6.1"
PEER_PACKAGES = [f"django-helpdesk=={PEER_VERSION}", "gunicorn==27.0.1", "psycopg[binary]==3.3.9"]
SETTINGS = '''\
"""Minimal django-helpdesk project for bench/peer_create.py (generated; safe to delete)."""
import os
SECRET_KEY = "peer-bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["PEER_DB"],
                         "USER": "%(user)s", "HOST": "%(host)s", "PORT": %(port)d, "CONN_MAX_AGE": 60}}
SITE_ID = 1
STATIC_URL = "/static/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
'''
URLS = """from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls"))]
"""
# Run in the peer's virtualenv: one staff user with a token and one queue; prints "<token> <queue id>".
SETUP = """
import django; django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue
user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
token, _ = Token.objects.get_or_create(user=user)
queue, _ = Queue.objects.get_or_create(slug="bench", defaults={"title": "Bench", "allow_public_submission": True})
print(token.key, queue.pk)
"""


def step(label: str) -> None:
    print(f"-> {label}", flush=True)


def peer_env(peer_dir: Path, peer_db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PROPDESK_"))}
    env.update(DJANGO_SETTINGS_MODULE="peer_settings", PEER_DB=peer_db, PYTHONPATH=str(peer_dir / "project"))
    return env


def ensure_peer_venv(peer_dir: Path) -> Path:
    python = peer_dir / "bin" / "python"
    ok = python.exists() and subprocess.run(
        [str(python), "-c", f"import importlib.metadata as m; assert m.version('django-helpdesk') == '{PEER_VERSION}'"],
        capture_output=True,
    )
    if ok and ok.returncode == 0:
        step(f"django-helpdesk {PEER_VERSION} already installed in {peer_dir}")
        return python
    if REPO in peer_dir.resolve().parents or peer_dir.resolve() == REPO:
        raise SystemExit("the peer's virtualenv must be outside the repository")
    step(f"virtualenv {peer_dir} with {' '.join(PEER_PACKAGES)} (pip, PyPI)")
    subprocess.run([sys.executable, "-m", "venv", str(peer_dir)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return python


def ensure_peer_project(peer_dir: Path, peer_db: str, python: Path) -> tuple[str, int]:
    project = peer_dir / "project"
    project.mkdir(exist_ok=True)
    (project / "peer_settings.py").write_text(SETTINGS % {"user": PG_USER, "host": PG_HOST, "port": PG_PORT})
    (project / "peer_urls.py").write_text(URLS)
    with pg_connect("postgres") as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (peer_db,)).fetchone():
            step(f"create database {peer_db}")
            admin.execute(f'CREATE DATABASE "{peer_db}"')
    env = peer_env(peer_dir, peer_db)
    step("django-helpdesk: migrate")
    subprocess.run(
        [str(peer_dir / "bin" / "django-admin"), "migrate", "--noinput", "-v0"], env=env, cwd=project, check=True
    )
    out = subprocess.run([str(python), "-c", SETUP], env=env, cwd=project, check=True, text=True, capture_output=True)
    token, queue = out.stdout.split()
    return token, int(queue)


def ensure_propdesk(db: str, small_tickets: int) -> tuple[str, list[int]]:
    """A bearer token of the demo receptionist and households of her communities (building the db if missing)."""
    with pg_connect("postgres") as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone()
    if not exists:
        step(f"PropDesk database {db} missing: bench/load_pg.py with {small_tickets} tickets")
        n = str(small_tickets)
        sizes = ["--households", "5000", "--tickets", n, "--running-targets", n, "--extra-interactions", "1000"]
        subprocess.run([str(PYTHON), "bench/load_pg.py", "--db", db, *sizes], cwd=REPO, check=True)
    code = """
import json, sys
sys.path.insert(0, "bench")
from _common import setup_django
setup_django(sys.argv[1])
from django.contrib.auth import get_user_model
from propdesk.api.models import ApiToken
from propdesk.api.services import api_token_create, api_token_revoke
from propdesk.communities.models import Household
from propdesk.core.scoping import get_scope
user = get_user_model().objects.get(username="reception")
for old in ApiToken.objects.filter(user=user, name="peer benchmark", revoked_at__isnull=True):
    api_token_revoke(actor=user, token=old)
_token, secret = api_token_create(actor=user, name="peer benchmark")
communities = sorted(get_scope(user).community)
ids = list(Household.objects.filter(unit__building__community__in=communities, is_active=True)
           .values_list("pk", flat=True)[:2000])
print(json.dumps([secret, ids]))
"""
    out = subprocess.run([str(PYTHON), "-c", code, db], cwd=REPO, check=True, text=True, capture_output=True)
    secret, households = json.loads(out.stdout.strip().splitlines()[-1])
    return secret, households


def start_server(side: str, args, port: int) -> subprocess.Popen:
    threads = ["--threads", str(args.threads)] if args.threads > 1 else []
    common = ["config.wsgi" if side == "A" else "peer_wsgi"]
    common += ["--workers", str(args.workers), *threads, "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    log_path = Path(args.peer_dir) / f"gunicorn_{side}.log"
    if side == "A":
        cmd, env, cwd = [str(REPO / ".venv" / "bin" / "gunicorn"), *common], prod_env(args.db), REPO
        probe = "/api/v1/openapi.json"
    else:
        project = Path(args.peer_dir) / "project"
        (project / "peer_wsgi.py").write_text(
            "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
        )
        cmd, cwd = [str(Path(args.peer_dir) / "bin" / "gunicorn"), *common], project
        env = peer_env(Path(args.peer_dir), args.peer_db)
        probe = "/api/"
    return serve(cmd, env=env, log_path=log_path, port=port, cwd=cwd, probe=probe, wait=90)


def request_makers(propdesk: tuple[str, list[int]], peer: tuple[str, int], kind: str):
    secret, households = propdesk
    token, queue = peer
    content = api_bench.CONTENTS[kind]

    def make_a(i: int):
        body = {"kind": kind, "channel": "phone", "household_id": households[i % len(households)]}
        body["content"] = content
        headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
        return "POST", "/api/v1/tickets", json.dumps(body, ensure_ascii=False).encode(), headers

    def make_b(i: int):
        body = {"queue": queue, "title": content[:20], "description": content, "priority": 3}
        return (
            "POST",
            "/api/tickets/",
            json.dumps(body, ensure_ascii=False).encode(),
            {"Content-Type": "application/json"},
        )

    return {
        "A": ({"Authorization": f"Bearer {secret}"}, make_a),
        "B": ({"Authorization": f"Token {token}"}, make_b),
    }


def run_round(side: str, clients: int, args, makers) -> dict:
    port = api_bench.free_port()
    proc = start_server(side, args, port)
    try:
        headers, make = makers[side]
        api_bench.run_phase("warm-up", port, headers, make, 20, min(clients, 4), 60)
        name = f"{'PropDesk' if side == 'A' else 'django-helpdesk'} c={clients}"
        result = api_bench.run_phase(name, port, headers, make, 10**9, clients, args.round_seconds)
    finally:
        stop_server(proc)
    if result["errors"]:
        raise SystemExit(f"{name}: {result['errors']} errors, e.g. {result['sample_errors'][:2]}")
    return {"side": side, "clients": clients, "rps": result["rps"], "p50": result["p50"], "p95": result["p95"]}


def report(rounds: list[dict], levels: list[int]) -> None:
    print("\nclients | PropDesk req/s (rounds) | django-helpdesk req/s (rounds) | ratio of medians")
    for clients in levels:
        a = [r["rps"] for r in rounds if r["clients"] == clients and r["side"] == "A"]
        b = [r["rps"] for r in rounds if r["clients"] == clients and r["side"] == "B"]
        if not a or not b:
            continue
        ma, mb = statistics.median(a), statistics.median(b)
        print(
            f"{clients:>7} | {ma:7.1f} ({', '.join(f'{x:.1f}' for x in a)}) | "
            f"{mb:7.1f} ({', '.join(f'{x:.1f}' for x in b)}) | {ma / mb:.2f}×"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_bench", help="PropDesk's database (built small when missing)")
    parser.add_argument("--peer-db", default="propdesk_bench_helpdesk", help="django-helpdesk's own database")
    parser.add_argument("--peer-dir", default="/tmp/peer_helpdesk", help="the throwaway virtualenv and project")
    parser.add_argument("--small-tickets", type=int, default=20_000, help="tickets when --db must be built")
    parser.add_argument("--clients", default="1,8", help="client counts (default 1,8)")
    parser.add_argument("--round-seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="rounds per side and client count (A B A B: 2)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (1: sync worker)")
    parser.add_argument(
        "--kind", default="complaint", choices=sorted(api_bench.CONTENTS), help="PropDesk ticket kind (complaint)"
    )
    parser.add_argument("--fresh", action="store_true", help="forget the rounds recorded by an earlier run")
    args = parser.parse_args()
    check_db_name(args.db)
    check_db_name(args.peer_db)
    peer_dir = Path(args.peer_dir)
    peer_dir.mkdir(parents=True, exist_ok=True)
    state = peer_dir / "rounds.json"
    rounds = [] if args.fresh or not state.exists() else json.loads(state.read_text())
    config = {"round_seconds": args.round_seconds, "workers": args.workers, "threads": args.threads, "db": args.db}
    config["kind"] = args.kind
    rounds = [r for r in rounds if r.get("config") == config]
    api_bench.QUIET["wait"] = 0  # rounds alternate instead of waiting for a quiet machine
    python = ensure_peer_venv(peer_dir)
    makers = request_makers(
        ensure_propdesk(args.db, args.small_tickets), ensure_peer_project(peer_dir, args.peer_db, python), args.kind
    )
    print(json.dumps({**machine_info(args.db), "load": f"{loadavg():.2f}", **config}))
    levels = [int(c) for c in args.clients.split(",")]
    for clients in levels:
        for n in range(args.rounds):
            for side in ("A", "B"):
                if any(r["clients"] == clients and r["side"] == side and r["n"] == n for r in rounds):
                    continue
                result = run_round(side, clients, args, makers)
                rounds.append({**result, "n": n, "config": config, "load": loadavg()})
                state.write_text(json.dumps(rounds, indent=1))
    report(rounds, levels)


if __name__ == "__main__":
    main()
