"""Benchmark of the control-center dispatch board (派单台) on PostgreSQL, production server setup.

    .venv/bin/python bench/board_bench.py                   # build propdesk_board, measure, write the doc
    .venv/bin/python bench/board_bench.py --skip-build      # measure again on the database already built
    .venv/bin/python bench/board_bench.py --orders 500 --board-requests 50 --assignments 5   # a quick one
    .venv/bin/python bench/board_bench.py --skip-build --experiments   # + the measured effect of the proposed fixes

Target (issue "Performance"): with 2,000 open work orders and 200 field staff on PostgreSQL, the board page
render p95 < 100 ms, and an update visible to other dispatchers within 2 s p95.

What it does:

1. builds its own database ``propdesk_board`` (dropped and recreated; the name must start with
   ``propdesk_board``, no other database is touched): ``manage.py migrate``, ``manage.py load_demo
   --households N``, then in this process: 200 field staff in ONE service center (HY01; technicians and
   housekeepers with a RoleMembership at the center, StaffProfile with trades, DutyStatus on duty — a few
   with a radio fault or out of coverage —, rota entries yesterday/today/tomorrow) and 2,000 open work orders
   of that center spread over the board's columns (pending, assigned, accepted, on the way, arrived,
   finished, reported, signed off) with their tickets and SLA targets. ``--via-services`` of them (default
   300) go through the application's services (``ticket_create``, ``work_order_create``,
   ``work_order_assign``, ``work_order_progress``, ``work_order_finish``, ``work_order_report``,
   ``work_order_sign_off``), the rest are bulk-inserted rows shaped like them (tickets, ticket and work-order
   events, dispatch / first-response / completion-report / shift-sign-off targets). ``--closed-orders``
   (default 20,000) closed tickets with closed work orders over the past year are added as history;
2. runs ``manage.py collectstatic`` when ``var/static/staticfiles.json`` is missing: with
   ``config.settings.prod`` (CompressedManifestStaticFilesStorage) every full page that uses ``{% static %}``
   answers 500 without the manifest;
3. in process (``config.settings.prod`` against the bench database): the SQL queries of one board render,
   one live poll (204 and 200) and one assignment (``CaptureQueriesContext``), ``EXPLAIN (ANALYZE, BUFFERS)``
   of the slowest board queries, a time breakdown of the board (selectors vs template) and a cProfile of one
   render; optionally (``--experiments``) the measured effect of the proposed fixes, done in this process
   without changing the application;
4. starts ``gunicorn config.wsgi --workers 2 --bind 127.0.0.1:<free port>`` (DJANGO_SETTINGS_MODULE=
   config.settings.prod, SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false, DATABASE_URL of the
   bench database) and logs in through the login form (CSRF token + session cookie) as the center's control
   operator (``control``);
5. measures over HTTP: ``GET /dispatch/?center=<id>`` with 1 and 4 clients; ``GET /dispatch/live/`` with the
   current version (204) and with a stale one (200, the response after any change); the board update
   latency after an assignment: a dispatcher thread polls ``/dispatch/live/`` like the browser (htmx
   ``every 1500ms``, the interval read from the page; ``v`` = last version seen), another session assigns a pending order shown on the board at
   random moments (``POST /dispatch/wo/<pk>/dispatch/`` action=assign, a reachable worker of the right
   trade, CSRF token) and the time from the POST's response to the first poll response that shows the
   assignment (card gone from 待派单 and its total one less, or the card under 已派未接) is recorded (with 1
   and with 4 dispatchers polling); the dispatcher's click path (assign panel + htmx assignment); and, in
   process, whether a poll can report a change as seen without showing it (a race check);
6. saves the raw results as JSON (``--json``) and writes ``docs/benchmarks-board.md`` (command, date,
   machine, data size, tables, verdict, analysis); ``--from-json`` writes the report again from saved results.

Only 127.0.0.1 is contacted (PostgreSQL and the gunicorn it starts). Every phase has a fixed request count
and a time budget (``--phase-seconds``).
"""

import argparse
import cProfile
import datetime as dt
import http.client
import importlib
import io
import json
import pstats
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    MANAGE,
    PYTHON,
    REPO,
    CpuMeter,
    child_pids,
    fmt_row,
    loadavg,
    machine_info,
    pg_connect,
    prod_env,
    run,
    serve,
    setup_django,
    stop_server,
    summary_ms,
    wait_quiet,
)

GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
DB_PREFIX = "propdesk_board"
PASSWORD = "bench-board-1234"
TARGET_P95_MS = 100.0
TARGET_LATENCY_P95_MS = 2000.0
DOC_TITLE = "# Benchmark: the dispatch board (派单台) on PostgreSQL"
QUIET = {"wait": 300.0, "load": 1.0}

# Share of the open orders per board status (pending … signed off).
STATUS_MIX = (
    ("pending", 0.20),
    ("assigned", 0.15),
    ("accepted", 0.125),
    ("on_the_way", 0.075),
    ("arrived", 0.075),
    ("finished", 0.10),
    ("reported", 0.125),
    ("signed_off", 0.15),
)
REPAIR_TEXTS = (
    "厨房水龙头漏水，关不紧",
    "卫生间下水道堵塞，水漫出来了",
    "客厅插座没电，跳闸后合不上",
    "入户门锁坏了，钥匙拧不动",
    "空调不制冷，外机有异响",
    "热水器打不着火",
    "阳台地漏返味，需要疏通",
    "卧室吸顶灯不亮，换灯泡也不行",
    "窗户关不严，漏风漏雨",
    "墙面渗水发霉，楼上可能漏水",
    "油烟机不转，开关没反应",
    "马桶水箱一直流水",
)
HOUSEKEEPING_TEXTS = ("家庭保洁（两室一厅）", "开荒保洁", "油烟机深度清洗", "窗帘拆洗", "地板打蜡")
TECH_TRADES = ("plumbing", "electrical", "carpentry", "hvac", "appliance", "locksmith", "general")


def check_board_db(name: str) -> str:
    """The script drops and rewrites its database: refuse anything that is not the board bench database."""
    if not name.startswith(DB_PREFIX):
        raise SystemExit(f"refusing to use database {name!r}: the name must start with {DB_PREFIX!r}")
    return name


def step(msg: str) -> None:
    print(f"-> {msg}", flush=True)


# ============================================================================= building the database


def recreate_database(db: str) -> None:
    with pg_connect("postgres") as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (db,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')


def build_database(db: str, args, timings: dict) -> None:
    env = prod_env(db)
    t = time.monotonic()
    if args.keep_db:  # e.g. after a build stopped half-way: migrate carries on where it stopped
        step(f"building on the existing database {db}")
    else:
        step(f"recreating database {db}")
        recreate_database(db)
    step("manage.py migrate")
    run([str(PYTHON), str(MANAGE), "migrate", "--noinput", "-v0"], env, timeout=3600)  # a busy machine is slow
    timings["migrate"] = time.monotonic() - t
    t = time.monotonic()
    if args.keep_db:
        with pg_connect(db) as conn:
            if conn.execute("SELECT EXISTS (SELECT 1 FROM communities_household)").fetchone()[0]:
                step("the demo is loaded already (the board's data is added by the steps below)")
                return
    step(f"manage.py load_demo --households {args.households}")
    run(
        [str(PYTHON), str(MANAGE), "load_demo", "--households", str(args.households), "--password", PASSWORD],
        env,
        timeout=1800,
    )
    timings["load_demo"] = time.monotonic() - t


def _pick_counts(total: int) -> dict[str, int]:
    counts = {status: int(total * share) for status, share in STATUS_MIX}
    counts["pending"] += total - sum(counts.values())
    return counts


class Numbers:
    """Ticket numbers BX-YYYYMMDD-NNNN continuing the application's per-center daily counters."""

    def __init__(self, center_id: int):
        from propdesk.tickets.models import TicketCounter

        self.center_id = center_id
        self.last = {(c.prefix, c.day): c.last for c in TicketCounter.objects.filter(service_center_id=center_id)}

    def next(self, prefix: str, received_at: dt.datetime) -> str:
        from django.utils import timezone

        day = timezone.localdate(received_at)
        n = self.last.get((prefix, day), 0) + 1
        self.last[(prefix, day)] = n
        return f"{prefix}-{day:%Y%m%d}-{n:04d}"

    def save(self) -> None:
        from propdesk.tickets.models import TicketCounter

        for (prefix, day), last in self.last.items():
            TicketCounter.objects.update_or_create(
                service_center_id=self.center_id, prefix=prefix, day=day, defaults={"last": last}
            )


def build_board_data(args, rng: random.Random, timings: dict) -> dict:
    """Staff, rota, duty and open work orders of one service center (this process, Django set up)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from propdesk.communities.models import Resident, Vendor
    from propdesk.demo.loader import GIVEN, SURNAMES
    from propdesk.dispatch import services as dsvc
    from propdesk.dispatch.choices import DutyEventKind, EventKind, Routing, Status
    from propdesk.dispatch.models import DutyEvent, DutyStatus, RotaEntry, ShiftTemplate, WorkOrder, WorkOrderEvent
    from propdesk.org.choices import DepartmentKind, Role
    from propdesk.org.models import Department, RoleMembership, ServiceCenter, StaffProfile
    from propdesk.org.selectors import away as whereabouts_away
    from propdesk.sla.models import SlaPolicy, SlaTarget
    from propdesk.tickets import services as tsvc
    from propdesk.tickets.choices import EventKind as TicketEventKind
    from propdesk.tickets.choices import Status as TicketStatus
    from propdesk.tickets.models import Ticket, TicketEvent

    User = get_user_model()
    now = timezone.now()
    local_now = timezone.localtime(now)
    today = local_now.date()
    center = ServiceCenter.objects.get(code="HY01")
    control = User.objects.get(username="control")
    reception = User.objects.get(username="reception")
    info: dict = {"center_id": center.pk, "center": center.name}

    # ------------------------------------------------------------------ 200 field staff
    t0 = time.monotonic()
    step(f"field staff: {args.staff} technicians + housekeepers at {center.name}")
    existing = list(
        RoleMembership.objects.filter(
            service_center=center, is_active=True, role__in=[Role.TECHNICIAN, Role.HOUSEKEEPER]
        ).values_list("user_id", "role")
    )
    n_new = max(0, args.staff - len(existing))
    n_tech_total = round(args.staff * 0.8)
    n_tech_new = max(0, n_tech_total - sum(1 for _u, r in existing if r == Role.TECHNICIAN))
    engineering = Department.objects.get(service_center=center, kind=DepartmentKind.ENGINEERING)
    housekeeping = Department.objects.get(service_center=center, kind=DepartmentKind.HOUSEKEEPING)
    hashed = make_password(PASSWORD)
    specs = []
    for i in range(n_new):
        is_tech = i < n_tech_new
        if is_tech:
            trades = sorted(rng.sample(TECH_TRADES, rng.choice((2, 3))))
            if "general" not in trades and rng.random() < 0.5:
                trades.append("general")
        else:
            trades = ["housekeeping", "cleaning"]
        name = rng.choice(SURNAMES) + (
            "师傅" if is_tech and rng.random() < 0.5 else rng.choice(GIVEN) + rng.choice(GIVEN)
        )
        specs.append((f"bench_{'tech' if is_tech else 'hk'}_{i + 1:03d}", name, is_tech, trades))
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=u, password=hashed, is_active=True) for u, _n, _t, _tr in specs], batch_size=1000
        )
        StaffProfile.objects.bulk_create(
            [
                StaffProfile(
                    user=user,
                    name=name,
                    employee_no=f"HB{9000 + i}",
                    phone=f"139{rng.randrange(10**8):08d}",
                    department=engineering if is_tech else housekeeping,
                    trades=trades,
                )
                for i, (user, (_u, name, is_tech, trades)) in enumerate(zip(users, specs, strict=True))
            ]
        )
        RoleMembership.objects.bulk_create(
            [
                RoleMembership(user=user, role=Role.TECHNICIAN if is_tech else Role.HOUSEKEEPER, service_center=center)
                for user, (_u, _n, is_tech, _t) in zip(users, specs, strict=True)
            ]
        )
        # Duty: everyone checked in; ~4 % radio fault, ~4 % out of coverage for a while (not reachable).
        duties, duty_events = [], []
        for user in users:
            roll = rng.random()
            radio_ok = roll >= 0.04
            away = now + dt.timedelta(minutes=rng.randrange(20, 120)) if 0.04 <= roll < 0.08 else None
            duties.append(
                DutyStatus(
                    user=user,
                    service_center=center,
                    on_duty=True,
                    radio_ok=radio_ok,
                    away_until=away,
                    away_reason="去仓库领材料" if away else "",
                )
            )
            duty_events.append(DutyEvent(user=user, kind=DutyEventKind.CHECK_IN, actor=user))
            if not radio_ok:
                duty_events.append(DutyEvent(user=user, kind=DutyEventKind.RADIO_FAULT, actor=user))
            if away:
                duty_events.append(
                    DutyEvent(user=user, kind=DutyEventKind.LEAVE_COVERAGE, until=away, note="去仓库领材料", actor=user)
                )
        DutyStatus.objects.bulk_create(duties)
        DutyEvent.objects.bulk_create(duty_events)
        # Rota: yesterday, today, tomorrow; 80 % on the shift that covers now.
        eng_day = ShiftTemplate.objects.get(department=engineering, name="白班")
        eng_night = ShiftTemplate.objects.get(department=engineering, name="夜班")
        hk_day = ShiftTemplate.objects.get(department=housekeeping, name="白班")
        day_now = 8 <= local_now.hour < 17
        entries = []
        for user, (_u, _n, is_tech, _t) in zip(users, specs, strict=True):
            if is_tech:
                covering, other = (eng_day, eng_night) if day_now else (eng_night, eng_day)
                shift = covering if rng.random() < 0.8 else other
            else:
                shift = hk_day
            for offset in (-1, 0, 1):
                day = today + dt.timedelta(days=offset)
                starts, ends = shift.window(day)
                entries.append(RotaEntry(user=user, date=day, shift=shift, starts_at=starts, ends_at=ends))
        RotaEntry.objects.bulk_create(entries)
    timings["staff"] = time.monotonic() - t0

    workers = list(
        User.objects.filter(
            role_memberships__service_center=center,
            role_memberships__role__in=[Role.TECHNICIAN, Role.HOUSEKEEPER],
            role_memberships__is_active=True,
        )
        .select_related("staff_profile", "duty")
        .distinct()
    )
    roles = dict(RoleMembership.objects.filter(service_center=center, user__in=workers).values_list("user_id", "role"))
    for w in workers:
        w.bench_role = roles[w.pk]
    info["staff"] = len(workers)
    info["technicians"] = sum(1 for w in workers if w.bench_role == Role.TECHNICIAN)
    info["housekeepers"] = sum(1 for w in workers if w.bench_role == Role.HOUSEKEEPER)
    info["reachable"] = sum(1 for w in workers if getattr(w, "duty", None) and w.duty.is_reachable(now))

    # The demo's whereabouts put some of its workers out (on leave, gone out): the services refuse them.
    gone = whereabouts_away([w.pk for w in workers], now=now)

    def worker_for(trade: str, reachable_only: bool):
        wanted = Role.HOUSEKEEPER if trade in ("housekeeping", "cleaning") else Role.TECHNICIAN
        pool = [
            w
            for w in workers
            if w.bench_role == wanted
            and w.pk not in gone
            and (not w.staff_profile.trades or trade in w.staff_profile.trades)
            and (not reachable_only or (getattr(w, "duty", None) and w.duty.is_reachable(now)))
        ]
        return rng.choice(pool)

    # Households of the center's communities with their owner (who calls).
    homes = list(
        Resident.objects.filter(
            household__unit__building__community__service_center=center, relation="owner", is_active=True
        ).values_list(
            "pk",
            "name",
            "phone",
            "household_id",
            "household__unit_id",
            "household__unit__building__community_id",
            "household__unit__building__community__code",
        )
    )
    info["center_households"] = len(homes)

    def trade_and_text(kind: str) -> tuple[str, str]:
        if kind == "special_service":
            return rng.choice(("housekeeping", "cleaning")), rng.choice(HOUSEKEEPING_TEXTS)
        return rng.choice(TECH_TRADES), rng.choice(REPAIR_TEXTS)

    counts = _pick_counts(args.orders)
    via = min(args.via_services, args.orders)
    via_counts = {s: round(c * via / max(1, args.orders)) for s, c in counts.items()}
    via_counts["pending"] += via - sum(via_counts.values())

    # ------------------------------------------------------------------ orders through the services
    t0 = time.monotonic()
    step(f"{via} work orders through the application's services")
    resident_ids = [h[0] for h in homes]
    residents = {r.pk: r for r in Resident.objects.filter(pk__in=rng.sample(resident_ids, min(len(resident_ids), via)))}
    resident_list = list(residents.values())
    made = 0
    for status, n in via_counts.items():
        for _ in range(n):
            caller = resident_list[made % len(resident_list)]
            made += 1
            kind = "special_service" if rng.random() < 0.15 else "repair"
            trade, text = trade_and_text(kind)
            with transaction.atomic():
                ticket = tsvc.ticket_create(
                    actor=reception,
                    kind=kind,
                    content=text,
                    channel="phone",
                    resident=caller,
                    priority="urgent" if rng.random() < 0.05 else "normal",
                    create_work_order=False,
                )
                wo = dsvc.work_order_create(actor=control, ticket=ticket, trade=trade)
                if status == "pending":
                    continue
                wo = dsvc.work_order_assign(actor=control, work_order=wo, assignee=worker_for(trade, True))
                if status == "assigned":
                    continue
                for step_status in (Status.ACCEPTED, Status.ON_THE_WAY, Status.ARRIVED):
                    wo = dsvc.work_order_progress(actor=control, work_order=wo, to_status=step_status)
                    if status == step_status:
                        break
                if status in ("accepted", "on_the_way", "arrived"):
                    continue
                wo = dsvc.work_order_finish(
                    actor=control, work_order=wo, result="已处理完毕，试用正常", customer_absent_reason="客户上班不在家"
                )
                if status == "finished":
                    continue
                wo = dsvc.work_order_report(actor=control, work_order=wo)
                if status == "reported":
                    continue
                dsvc.work_order_sign_off(actor=control, work_orders=[wo])
    timings["via_services"] = time.monotonic() - t0

    # ------------------------------------------------------------------ bulk rows shaped like them
    t0 = time.monotonic()
    bulk_counts = {s: counts[s] - via_counts[s] for s in counts}
    n_bulk = sum(bulk_counts.values())
    step(f"{n_bulk} open work orders + {args.closed_orders} closed ones bulk-inserted")
    policies = {
        p.code: p
        for p in SlaPolicy.objects.filter(
            service_center__isnull=True,
            code__in=["dispatch", "first_response", "completion_report", "shift_signoff"],
        )
    }
    vendors = list(Vendor.objects.all())
    numbers = Numbers(center.pk)
    ticket_rows: list = []
    plans: list[dict] = []

    def plan(status: str, received: dt.datetime, closed: bool = False) -> None:
        cid, cname, cphone, hid, uid, community_id, ccode = rng.choice(homes)
        kind = "special_service" if rng.random() < 0.15 else "repair"
        trade, text = trade_and_text(kind)
        routing = (
            Routing.HOUSEKEEPING
            if kind == "special_service"
            else (Routing.RECTIFICATION if ccode == "cuihu-court" else Routing.ENGINEERING)
        )
        vendor = None
        if status == "pending" and kind == "repair" and rng.random() < 0.04:
            routing, vendor = Routing.VENDOR, rng.choice(vendors)
        p = {"status": status, "received": received, "kind": kind, "trade": trade, "text": text}
        p.update(routing=routing, vendor=vendor, community_id=community_id, closed=closed)
        # Timestamps of the work order's life, each a few minutes to hours after the previous.
        t = received + dt.timedelta(seconds=rng.randrange(20, 120))
        p["created"] = t
        stamps = {}
        order = ["assigned", "accepted", "on_the_way", "arrived", "finished", "reported", "signed_off", "closed"]
        target_index = order.index(status) if status in order else -1
        gaps = {
            "assigned": (60, 900),
            "accepted": (30, 600),
            "on_the_way": (60, 900),
            "arrived": (300, 1800),
            "finished": (900, 7200),
            "reported": (60, 900),
            "signed_off": (1800, 6 * 3600),
            "closed": (3600, 24 * 3600),
        }
        for i, name in enumerate(order):
            if i > target_index:
                break
            t = t + dt.timedelta(seconds=rng.randrange(*gaps[name]))
            stamps[name] = min(t, now - dt.timedelta(seconds=5))
        p["stamps"] = stamps
        p["assignee"] = worker_for(trade, False) if stamps and vendor is None else None
        priority = "urgent" if rng.random() < 0.05 else "normal"
        if closed:
            tstatus = TicketStatus.CLOSED
        elif status == "pending":
            tstatus = TicketStatus.NEW
        elif status == "signed_off":
            tstatus = TicketStatus.RESOLVED
        else:
            tstatus = TicketStatus.IN_PROGRESS
        prefix = "TY" if kind == "special_service" else "BX"
        ticket_rows.append(
            Ticket(
                number=numbers.next(prefix, received),
                kind=kind,
                status=tstatus,
                priority=priority,
                service_center=center,
                community_id=community_id,
                unit_id=uid,
                household_id=hid,
                resident_id=cid,
                contact_name=cname,
                contact_phone=cphone,
                title=text[:30],
                content=text,
                channel="phone",
                received_at=received,
                entered_at=received,
                received_by=reception,
                first_responder=reception,
                assignee=reception,
                resolved_at=stamps.get("signed_off"),
                closed_at=stamps.get("closed"),
                version=1 + len(stamps),
            )
        )
        plans.append(p)

    for status, n in bulk_counts.items():
        for _ in range(n):
            # Pending: mostly the last few hours; the other columns: up to three days old.
            hours = rng.expovariate(1 / 3) if status == "pending" else rng.uniform(0.5, 72)
            plan(status, now - dt.timedelta(hours=min(hours, 72), seconds=rng.randrange(60)))
    for _ in range(args.closed_orders):
        plan("closed", now - dt.timedelta(days=rng.uniform(4, 365)), closed=True)

    with transaction.atomic():
        tickets = Ticket.objects.bulk_create(ticket_rows, batch_size=2000)
        numbers.save()
        events = []
        for ticket, p in zip(tickets, plans, strict=True):
            events.append(
                TicketEvent(
                    ticket=ticket,
                    at=p["received"],
                    kind=TicketEventKind.CREATED,
                    actor=reception,
                    to_status=TicketStatus.NEW,
                    data={"channel": "phone"},
                )
            )
        TicketEvent.objects.bulk_create(events, batch_size=5000)
        orders = []
        for ticket, p in zip(tickets, plans, strict=True):
            s = p["stamps"]
            vendor = p["vendor"]
            wo_status = p["status"]
            orders.append(
                WorkOrder(
                    ticket=ticket,
                    number=f"{ticket.number}-1",
                    service_center=center,
                    community_id=p["community_id"],
                    trade=p["trade"],
                    routing=p["routing"],
                    status=wo_status,
                    description=p["text"],
                    assignee=p["assignee"],
                    assigned_at=s.get("assigned"),
                    accepted_at=s.get("accepted"),
                    on_the_way_at=s.get("on_the_way"),
                    arrived_at=s.get("arrived"),
                    finished_at=s.get("finished"),
                    reported_at=s.get("reported"),
                    signed_off_at=s.get("signed_off"),
                    closed_at=s.get("closed"),
                    result="已处理完毕，试用正常" if "finished" in s else "",
                    customer_confirmed=False if "finished" in s else None,
                    customer_absent_reason="客户上班不在家" if "finished" in s else "",
                    return_visit_required=True if "signed_off" in s else None,
                    vendor=vendor,
                    vendor_notified_at=p["created"] if vendor else None,
                    vendor_due_at=p["created"] + dt.timedelta(hours=vendor.promised_response_hours) if vendor else None,
                    version=1 + len(s),
                    created_at=p["created"],
                    created_by=control,
                )
            )
        orders = WorkOrder.objects.bulk_create(orders, batch_size=2000)
        wo_events, targets = [], []
        for wo, p in zip(orders, plans, strict=True):
            s = p["stamps"]
            wo_events.append(
                WorkOrderEvent(
                    work_order=wo,
                    at=p["created"],
                    kind=EventKind.CREATED,
                    to_status=Status.PENDING,
                    data={"trade": p["trade"], "routing": p["routing"]},
                )
            )
            previous = Status.PENDING
            for name, at in s.items():
                wo_events.append(
                    WorkOrderEvent(
                        work_order=wo,
                        at=at,
                        kind=EventKind.ASSIGNED if name == "assigned" else EventKind.STATUS,
                        actor=control if name in ("assigned", "signed_off", "closed") else p["assignee"],
                        from_status=previous,
                        to_status=name,
                        data={"to_assignee": p["assignee"].pk} if name == "assigned" else {},
                    )
                )
                previous = name
            # Ticket clocks: first response (answered within 30 min) and dispatch (5 min, R-WO-1).
            received = p["received"]
            fr_due = received + dt.timedelta(hours=2)
            answered = received + dt.timedelta(minutes=rng.randrange(5, 30))
            fr_open = answered > now and not p["closed"]
            targets.append(
                SlaTarget(
                    ticket=wo.ticket,
                    policy=policies["first_response"],
                    service_center=center,
                    kind=p["kind"],
                    state="running" if fr_open else "met",
                    started_at=received,
                    due_at=fr_due,
                    warn_at=received + dt.timedelta(minutes=96),
                    stopped_at=None if fr_open else answered,
                    next_check_at=received + dt.timedelta(minutes=96) if fr_open else None,
                    owner=reception,
                    created_at=received,
                )
            )
            d_due = received + dt.timedelta(minutes=5)
            if "assigned" in s:
                late = s["assigned"] > d_due
                targets.append(
                    SlaTarget(
                        ticket=wo.ticket,
                        policy=policies["dispatch"],
                        service_center=center,
                        kind=p["kind"],
                        state="breached" if late else "met",
                        started_at=received,
                        due_at=d_due,
                        warn_at=received + dt.timedelta(minutes=4),
                        stopped_at=s["assigned"],
                        breached_at=d_due if late else None,
                        breach_recorded_at=d_due + dt.timedelta(seconds=5) if late else None,
                        created_at=received,
                    )
                )
            else:
                late = d_due <= now
                targets.append(
                    SlaTarget(
                        ticket=wo.ticket,
                        policy=policies["dispatch"],
                        service_center=center,
                        kind=p["kind"],
                        state="breached" if late else "running",
                        started_at=received,
                        due_at=d_due,
                        warn_at=received + dt.timedelta(minutes=4),
                        breached_at=d_due if late else None,
                        breach_recorded_at=d_due + dt.timedelta(seconds=5) if late else None,
                        escalation_level=1 if late else 0,
                        next_check_at=None if late else received + dt.timedelta(minutes=4),
                        created_at=received,
                    )
                )
            # Work-order clocks: completion report within 10 min of finishing, sign-off before the shift ends.
            if p["status"] == "finished":
                due = s["finished"] + dt.timedelta(minutes=10)
                targets.append(
                    SlaTarget(
                        ticket=wo.ticket,
                        work_order=wo,
                        policy=policies["completion_report"],
                        service_center=center,
                        kind=p["kind"],
                        state="running" if due > now else "breached",
                        started_at=s["finished"],
                        due_at=due,
                        breached_at=None if due > now else due,
                        next_check_at=due if due > now else None,
                        owner=p["assignee"],
                        created_at=s["finished"],
                    )
                )
            if p["status"] == "reported":
                due = s["reported"] + dt.timedelta(hours=8)
                targets.append(
                    SlaTarget(
                        ticket=wo.ticket,
                        work_order=wo,
                        policy=policies["shift_signoff"],
                        service_center=center,
                        kind=p["kind"],
                        state="running" if due > now else "breached",
                        started_at=s["reported"],
                        fixed_due_at=due,
                        due_at=due,
                        breached_at=None if due > now else due,
                        next_check_at=due if due > now else None,
                        owner=p["assignee"],
                        created_at=s["reported"],
                    )
                )
        WorkOrderEvent.objects.bulk_create(wo_events, batch_size=5000)
        SlaTarget.objects.bulk_create(targets, batch_size=5000)
    timings["bulk"] = time.monotonic() - t0
    return info


def data_size(center_id: int) -> dict:
    from django.db.models import Count

    from propdesk.communities.models import Household
    from propdesk.dispatch.choices import OPEN_STATUSES
    from propdesk.dispatch.models import DutyStatus, RotaEntry, WorkOrder, WorkOrderEvent
    from propdesk.org.models import RoleMembership
    from propdesk.sla.models import SlaTarget
    from propdesk.tickets.models import Ticket

    open_orders = WorkOrder.objects.filter(service_center_id=center_id, status__in=OPEN_STATUSES)
    by_status = dict(open_orders.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "households": Household.objects.count(),
        "tickets": Ticket.objects.count(),
        "work_orders": WorkOrder.objects.count(),
        "work_order_events": WorkOrderEvent.objects.count(),
        "sla_targets": SlaTarget.objects.count(),
        "closed_orders": WorkOrder.objects.filter(status="closed").count(),
        "open_orders_center": open_orders.count(),
        "open_by_status": by_status,
        "field_staff_center": RoleMembership.objects.filter(
            service_center_id=center_id, is_active=True, role__in=["technician", "housekeeper", "security_guard"]
        ).count(),
        "duty_rows": DutyStatus.objects.filter(service_center_id=center_id).count(),
        "rota_rows": RotaEntry.objects.count(),
    }


# ============================================================================= in-process measurements


def explain(sql: str, params=None) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _median_time(fn, reps: int) -> float:
    values = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        values.append(time.perf_counter() - t)
    return statistics.median(values)


def in_process(center_id: int, reps: int, profile: bool) -> dict:
    """Query counts, EXPLAIN ANALYZE of the slow board queries, time breakdown, cProfile of one render."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django_htmx.middleware import HtmxDetails

    from propdesk.core.scoping import invalidate_scope
    from propdesk.dispatch import selectors, services
    from propdesk.dispatch.models import WorkOrder

    board_views = importlib.import_module("propdesk.dispatch.views.board")  # the package exports a view `board`
    from propdesk.org.models import ServiceCenter

    user = get_user_model().objects.get(username="control")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    board_url = f"/dispatch/?center={center_id}"
    staff_url = f"/dispatch/staff/?center={center_id}"
    out: dict = {"queries": {}, "explain": []}
    r = client.get(board_url)
    assert r.status_code == 200, (r.status_code, r.content[:300])
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(board_url)
    assert r.status_code == 200
    board_sql = list(ctx.captured_queries)
    html = r.content.decode()
    version = re.search(r'data-version="([0-9a-f]+)"', html).group(1)
    out["board_bytes"] = len(r.content)
    out["cards"] = html.count('class="wo-card')
    out["queries"]["GET /dispatch/?center=<id> (full board page)"] = (
        len(board_sql),
        sum(float(q["time"]) for q in board_sql) * 1000,
    )
    out["board_sql"] = board_sql
    for label, v, expected in (("unchanged → 204", version, 204), ("stale v → 200", "stale", 200)):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(f"/dispatch/live/?center={center_id}&v={v}", HTTP_HX_REQUEST="true")
        if r.status_code != expected and expected == 204:  # the minute rolled over between the two requests
            v2 = re.search(r'data-version="([0-9a-f]+)"', client.get(board_url).content.decode()).group(1)
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(f"/dispatch/live/?center={center_id}&v={v2}", HTTP_HX_REQUEST="true")
        out["queries"][f"GET /dispatch/live/ ({label})"] = (
            len(ctx.captured_queries),
            sum(float(q["time"]) for q in ctx.captured_queries) * 1000,
        )
        if expected == 200:
            out["poll_200_bytes"] = len(r.content)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(staff_url, HTTP_HX_REQUEST="true")
    if r.status_code == 200:
        out["queries"]["GET /dispatch/staff/ (staff panel, polled every 10 s)"] = (
            len(ctx.captured_queries),
            sum(float(q["time"]) for q in ctx.captured_queries) * 1000,
        )
        out["staff_panel_bytes"] = len(r.content)
    # One assignment (htmx POST, as the board's assign panel sends it): its queries, then undone by the
    # HTTP phases' own assignments anyway (the order stays open in "已派未接").
    wo = (
        WorkOrder.objects.filter(service_center_id=center_id, status="pending", routing="engineering", offered=False)
        .order_by("pk")
        .first()
    )
    assignee = pick_assignee(wo) if wo else None
    if wo and assignee:
        page = client.get(board_url).content.decode()
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        with CaptureQueriesContext(connection) as ctx:
            r = client.post(
                f"/dispatch/wo/{wo.pk}/dispatch/",
                {"action": "assign", "assignee": assignee, "version": wo.version, "center": center_id},
                HTTP_HX_REQUEST="true",
                HTTP_X_CSRFTOKEN=token,
            )
        out["queries"]["POST /dispatch/wo/<pk>/dispatch/ (assign, htmx: answers with the board)"] = (
            len(ctx.captured_queries),
            sum(float(q["time"]) for q in ctx.captured_queries) * 1000,
        )
        out["assign_status"] = r.status_code

    # EXPLAIN ANALYZE of the slowest queries of the board render.
    slow = sorted(board_sql, key=lambda q: float(q["time"]), reverse=True)[:4]
    for q in slow:
        if q["sql"].lstrip().upper().startswith("SELECT"):
            out["explain"].append((float(q["time"]) * 1000, q["sql"], explain(q["sql"])))

    # Time breakdown (median of reps), the scope recomputed each time as in a real request.
    center = ServiceCenter.objects.get(pk=center_id)

    def fresh_user():
        invalidate_scope(user)
        return user

    rf = RequestFactory(HTTP_HOST="127.0.0.1")
    req = rf.get(board_url)
    req.user = user
    req.htmx = HtmxDetails(req)
    ctx_data = {
        "center": center,
        "centers": selectors.dispatch_centers(user=user),
        "mode": services.settings_for(center.pk).get_mode_display(),
        "columns": selectors.board_columns(user=user, center_id=center_id),
        "staff": selectors.staff_status(center_id=center_id),
        "version": version,
        "now": dt.datetime.now(dt.UTC),
    }
    ctx_data["pending"] = len(ctx_data["columns"][0]["cards"])
    link_cards = getattr(board_views, "_link_cards", lambda columns: None)  # the cards' links, as the view sets them
    link_cards(ctx_data["columns"])
    with CaptureQueriesContext(connection) as ctx:
        render_to_string("dispatch/board.html", ctx_data, request=req)
    out["render_queries"] = len(ctx.captured_queries)

    def columns():
        return selectors.board_columns(user=fresh_user(), center_id=center_id)

    with CaptureQueriesContext(connection) as ctx:
        columns()
    columns_sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    with CaptureQueriesContext(connection) as ctx:
        selectors.staff_status(center_id=center_id)
    staff_sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000

    shown = [card for col in ctx_data["columns"] for card in col["cards"]]
    live_ctx = {k: v for k, v in ctx_data.items() if k not in ("staff", "centers", "mode")}

    def all_orders():
        return list(selectors.board_orders(user=fresh_user(), center_id=center_id))

    med = _interleaved(
        {
            "full": lambda: client.get(board_url),
            "columns": columns,
            "staff": lambda: selectors.staff_status(center_id=center_id),
            "version": lambda: selectors.board_version(user=fresh_user(), center_id=center_id),
            "template": lambda: render_to_string("dispatch/board.html", ctx_data, request=req),
            "live": lambda: render_to_string("dispatch/partials/_board_live.html", live_ctx, request=req),
            "panel": lambda: render_to_string("dispatch/partials/_staff_panel.html", ctx_data, request=req),
            "all": all_orders,
        },
        reps,
    )
    out["breakdown_rows"] = [
        ("full view (test client: middleware, session, auth, scope, all selectors, template)", med["full"]),
        (f"board_columns: per-column totals + the shown cards ({len(shown)}) in one windowed query", med["columns"]),
        ("  · SQL time inside it (one run)", columns_sql_ms / 1000),
        ("staff_status: staff panel (load counts, shifts)", med["staff"]),
        ("  · SQL time inside it (one run)", staff_sql_ms / 1000),
        ("board_version: the poll fingerprint", med["version"]),
        ("template: render board.html with the context ready (cards + staff panel)", med["template"]),
        (f"  · of it: _board_live.html, the {len(shown)} cards (the body of a 200 poll)", med["live"]),
        (f"  · of it: _staff_panel.html, {len(ctx_data['staff'])} rows (also GET /dispatch/staff/)", med["panel"]),
        (f"for comparison: board_orders fetching all {size_hint(ctx_data)} open orders (before the cap)", med["all"]),
    ]
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        client.get(board_url)
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("tottime").print_stats(18)
        out["profile_tottime"] = _trim_pstats(buf.getvalue())
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("cumulative").print_stats(
            r"propdesk|django/(template|urls|db/models/(query|base|sql/compiler))", 30
        )
        out["profile_cumulative"] = _trim_pstats(buf.getvalue())
    out["version"] = version
    return out


def size_hint(ctx_data: dict) -> str:
    return f"{sum(col.get('total', len(col['cards'])) for col in ctx_data['columns']):,}"


def _trim_pstats(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    head = [line for line in lines[:start] if "function calls" in line]
    body = [line.replace(str(REPO) + "/", "").replace(str(REPO / ".venv"), ".venv") for line in lines[start:]]
    return "\n".join(head + body).rstrip()


def pick_assignee(wo) -> int | None:
    """A reachable worker of the right role and trade for the order (what the assign panel suggests)."""
    from propdesk.dispatch.services import eligible_staff

    rows = [r for r in eligible_staff(work_order=wo) if r["eligible"]]
    if not rows:
        return None
    return random.Random(wo.pk).choice(rows[: max(1, min(len(rows), 20))])["user"].pk


# ============================================================================= experiments (proposed fixes)


def _interleaved(parts: dict, reps: int) -> dict[str, float]:
    """Median wall time of each callable, the parts taking turns (a load spike hits all of them alike)."""
    times: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(reps):
        for name, fn in parts.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(v) for name, v in times.items()}


# The application before the board work (ids first, the staff panel on its own, the template fixes): its board
# templates are read from git at this commit and its queries are reproduced below, for the before/after rows.
BASE_COMMIT = "943edfc"


def experiments(center_id: int, reps: int) -> list[tuple[str, float, str]]:
    """Before and after in this process, on the same data: the board as it was at BASE_COMMIT (its queries
    reproduced here, its templates read from git) against the application as it is."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Case, CharField, Count, F, Max, Q, Value, When, Window
    from django.db.models.functions import RowNumber
    from django.template import engines
    from django.template.loader import get_template
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_htmx.middleware import HtmxDetails

    from propdesk.core.scoping import invalidate_scope
    from propdesk.dispatch import selectors, services
    from propdesk.dispatch.choices import ACTIVE_WORK, BOARD_COLUMNS, OPEN_STATUSES
    from propdesk.dispatch.models import RotaEntry, WorkOrder

    board_views = importlib.import_module("propdesk.dispatch.views.board")  # the package exports a view `board`
    from propdesk.org.models import RoleMembership, ServiceCenter
    from propdesk.org.selectors import away

    User = get_user_model()
    user = User.objects.get(username="control")
    center = ServiceCenter.objects.get(pk=center_id)
    req = RequestFactory(HTTP_HOST="127.0.0.1").get(f"/dispatch/?center={center_id}")
    req.user = user
    req.htmx = HtmxDetails(req)
    cap = selectors.CARDS_PER_COLUMN

    def git_show(rel: str) -> str:
        done = subprocess.run(["git", "show", f"{BASE_COMMIT}:{rel}"], cwd=REPO, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"experiments: git show {BASE_COMMIT}:{rel} failed: {done.stderr.strip()}")
        return done.stdout

    engine = engines["django"]
    tdir = "propdesk/dispatch/templates/dispatch/"
    include = '{% include "dispatch/partials/_board_live.html" %}'
    old_live = engine.from_string(git_show(tdir + "partials/_board_live.html"))
    old_board = engine.from_string(git_show(tdir + "board.html").replace(include, "{% include live_tpl %}"))
    new_live = get_template("dispatch/partials/_board_live.html")
    new_board = get_template("dispatch/board.html")
    new_panel = get_template("dispatch/partials/_staff_panel.html")

    def old_columns():
        # selectors.board_columns at BASE_COMMIT: the window numbers the joined cards, the totals apart.
        now = timezone.now()
        totals = dict(
            WorkOrder.objects.visible_to(user)
            .filter(service_center_id=center_id, status__in=OPEN_STATUSES)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        column_of = Case(
            *[When(status__in=st, then=Value(key)) for key, _t, st in BOARD_COLUMNS], output_field=CharField()
        )
        ranked = (
            selectors.board_orders(user=user, center_id=center_id)
            .annotate(
                column=column_of,
                rank=Window(RowNumber(), partition_by=[column_of], order_by=[F("created_at").asc(), F("pk").asc()]),
            )
            .filter(rank__lte=cap)
        )
        by_column: dict[str, list] = {}
        for card in ranked:
            by_column.setdefault(card.column, []).append(card)
        cols = []
        for key, title, statuses in BOARD_COLUMNS:
            cards = by_column.get(key, [])
            for card in cards:
                targets = getattr(card.ticket, "dispatch_targets", [])
                card.dispatch_due = targets[0].due_at if targets and card.status == "pending" else None
                if card.dispatch_due:
                    card.dispatch_late = card.dispatch_due <= now
                    card.dispatch_clock = selectors.clock_text(abs((card.dispatch_due - now).total_seconds()))
                card.overdue = bool(card.dispatch_due and card.dispatch_due <= now) or bool(
                    card.vendor_due_at and card.vendor_due_at <= now and not card.finished_at
                )
            total = sum(totals.get(s, 0) for s in statuses)
            cols.append({"key": key, "title": title, "cards": cards, "total": total, "hidden": total - len(cards)})
        return cols

    members = selectors._field_members(center_id)
    old_users = (
        User.objects.filter(is_active=True, pk__in=members.values("user"))
        .select_related("staff_profile__department", "duty")
        .annotate(load=Count("work_orders", filter=Q(work_orders__status__in=ACTIVE_WORK)))
        .order_by("staff_profile__department__kind", "staff_profile__name")
    )

    def old_staff():
        # selectors.staff_status at BASE_COMMIT: the load aggregates every order the workers ever had.
        now = timezone.now()
        users = list(old_users.all())
        on_shift = set(RotaEntry.objects.filter(starts_at__lte=now, ends_at__gt=now).values_list("user_id", flat=True))
        gone = away([u.pk for u in users], now=now)
        rows = []
        for u in users:
            duty, profile, absent = getattr(u, "duty", None), getattr(u, "staff_profile", None), gone.get(u.pk)
            rows.append(
                {
                    "user": u,
                    "name": profile.name if profile else u.username,
                    "department": profile.department.name if profile else "",
                    "on_duty": bool(duty and duty.on_duty),
                    "radio_ok": duty.radio_ok if duty else True,
                    "away_until": duty.away_until if duty and duty.away_until and duty.away_until > now else None,
                    "away_reason": duty.away_reason if duty else "",
                    "reachable": bool(duty and duty.is_reachable(now)) and absent is None,
                    "unavailable": absent["reason"] if absent else "",
                    "on_shift": u.pk in on_shift,
                    "load": u.load,
                }
            )
        return rows

    def page_context(**extra):
        return {
            "center": center,
            "centers": selectors.dispatch_centers(user=user),
            "mode": services.settings_for(center.pk).get_mode_display(),
            **extra,
        }

    def version():
        return selectors.board_version(user=user, center_id=center_id)

    def old_refresh():
        invalidate_scope(user)
        v = version()
        cols = old_columns()
        ctx = {"center": center, "columns": cols, "pending": cols[0]["total"], "staff": old_staff(), "version": v}
        old_live.render({**ctx, "now": timezone.now()}, request=req)

    def new_refresh():
        invalidate_scope(user)
        ctx = {"center": center, **board_views._board_context(req, center)}
        new_live.render(ctx, request=req)

    def old_page():
        invalidate_scope(user)
        v = version()
        cols = old_columns()
        ctx = page_context(
            columns=cols, pending=cols[0]["total"], staff=old_staff(), version=v, live_tpl=old_live, now=timezone.now()
        )
        old_board.render(ctx, request=req)

    def new_page():
        invalidate_scope(user)
        ctx = page_context(staff=selectors.staff_status(center_id=center_id), **board_views._board_context(req, center))
        new_board.render(ctx, request=req)

    def new_panel_only():
        new_panel.render({"center": center, "staff": selectors.staff_status(center_id=center_id)}, request=req)

    variants = {
        f"before ({BASE_COMMIT}): board refresh (poll 200): window over the joined cards + totals, staff panel, old partial": old_refresh,
        "now: board refresh (poll 200): ids first, then the cards by id; columns only": new_refresh,
        f"before ({BASE_COMMIT}): full page board.html": old_page,
        "now: full page board.html (cards + staff panel)": new_page,
        "now: staff panel alone (GET /dispatch/staff/, every 10 s)": new_panel_only,
    }
    results: list[tuple[str, float, str]] = []
    queries = {}
    for name, fn in variants.items():
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries[name] = (len(ctx.captured_queries), sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    for name, seconds in _interleaved(variants, reps).items():
        n, sql_ms = queries[name]
        results.append((name, seconds, f"{n} queries, {sql_ms:.1f} ms SQL (one run)"))

    def exec_ms(fn, pick) -> float:
        """Median PostgreSQL execution time (EXPLAIN ANALYZE) of the query of ``fn`` that ``pick`` selects."""
        with CaptureQueriesContext(connection) as c:
            fn()
        sql = next(q["sql"] for q in c.captured_queries if pick(q["sql"]))
        values = []
        for _ in range(reps):
            plan = explain(sql)
            values.append(float(re.search(r"Execution Time: ([0-9.]+) ms", plan).group(1)))
        return statistics.median(values) / 1000

    def counts(sql: str) -> bool:
        return "COUNT(" in sql.upper() and "auth_user" in sql

    same = {r["user"].pk: r["load"] for r in selectors.staff_status(center_id=center_id)} == {
        u.pk: u.load for u in old_users
    }
    results.append(
        (
            "staff load: Count(work_orders, filter=active) over the whole history (PG execution)",
            exec_ms(lambda: list(old_users.all()), counts),
            f"before ({BASE_COMMIT})",
        )
    )
    results.append(
        (
            "staff load: correlated count of the active orders (selectors.active_load) (PG execution)",
            exec_ms(lambda: selectors.staff_status(center_id=center_id), counts),
            "now; " + ("same loads" if same else "LOADS DIFFER"),
        )
    )

    wo = (
        WorkOrder.objects.filter(service_center_id=center_id, status="pending", routing="engineering")
        .order_by("pk")
        .first()
    )
    if wo is not None:
        from propdesk.org.choices import Role

        c = wo.community
        old_eligible = (
            User.objects.filter(
                is_active=True,
                pk__in=RoleMembership.objects.filter(is_active=True, role=Role.TECHNICIAN)
                .filter(
                    Q(community=c.pk)
                    | Q(service_center=c.service_center_id)
                    | Q(branch=c.service_center.branch_id)
                    | Q(company=c.service_center.branch.company_id)
                )
                .values("user"),
            )
            .select_related("staff_profile", "duty")
            .annotate(
                load=Count("work_orders", filter=Q(work_orders__status__in=ACTIVE_WORK)),
                last_assigned=Max("work_orders__assigned_at"),
            )
        )
        same = {u.pk: (u.load, u.last_assigned) for u in old_eligible} == {
            r["user"].pk: (r["load"], r["last_assigned"]) for r in services.eligible_staff(work_order=wo)
        }
        results.append(
            (
                "eligible_staff (assign panel): load + last job as aggregates over the history (PG execution)",
                exec_ms(lambda: list(old_eligible.all()), counts),
                f"before ({BASE_COMMIT})",
            )
        )
        results.append(
            (
                "eligible_staff: load + last job as correlated subqueries (PG execution)",
                exec_ms(lambda: services.eligible_staff(work_order=wo), counts),
                "now; " + ("same loads and last jobs" if same else "VALUES DIFFER"),
            )
        )

    def max_updated(sql: str) -> bool:
        return "MAX(" in sql.upper() and "dispatch_workorder" in sql

    results.append(("board_version (the 204 poll's fingerprint)", _median_time(version, reps), "now"))
    results.append(
        ("  · its Max(updated_at) (PG execution), index dispatch_wo_updated_idx", exec_ms(version, max_updated), "now")
    )
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS dispatch_wo_updated_idx")
            results.append(
                (
                    "  · the same without that index (dropped in a transaction rolled back)",
                    exec_ms(version, max_updated),
                    "before",
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    return results


class _Rollback(Exception):
    pass


def race_check(center_id: int) -> dict:
    """Does a poll mark a change as seen without showing it? An assignment is committed (another thread =
    another connection) right after the view has read the columns: if the response's fingerprint were read
    after the columns it would include the change while the columns do not, the next poll would answer 204
    and the board would stay stale until some other change or the next minute. With the fingerprint read
    first (as the view does now) the next poll answers 200 and shows the change."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from propdesk.dispatch import selectors, services
    from propdesk.dispatch.models import WorkOrder

    user = get_user_model().objects.get(username="control")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    wo = pick_visible_pending(center_id, random.Random(1))
    assignee = pick_assignee(wo) if wo else None
    if wo is None or assignee is None:
        return {"ran": False}
    pending_after = pending_total(center_id) - 1

    def assign():
        try:
            worker = get_user_model().objects.get(pk=assignee)
            services.work_order_assign(
                actor=get_user_model().objects.get(username="control"), work_order=wo, assignee=worker
            )
        finally:
            connection.close()

    original = selectors.board_columns

    def columns_then_commit(**kwargs):
        columns = original(**kwargs)
        t = threading.Thread(target=assign)
        t.start()
        t.join()
        return columns

    selectors.board_columns = columns_then_commit
    try:
        r = client.get(f"/dispatch/live/?center={center_id}&v=stale", HTTP_HX_REQUEST="true")
    finally:
        selectors.board_columns = original
    html = r.content
    v = VERSION_RE.search(html).group(1).decode()
    shown = shows_assigned(html, wo.pk, pending_after)
    shown_pending = PENDING_RE.search(html)
    current = selectors.board_version(user=user, center_id=center_id)
    nxt = client.get(f"/dispatch/live/?center={center_id}&v={v}", HTTP_HX_REQUEST="true")
    shown_next = nxt.status_code == 200 and shows_assigned(nxt.content, wo.pk, pending_after)
    return {
        "ran": True,
        "order": wo.number,
        "status_now": WorkOrder.objects.get(pk=wo.pk).status,
        "shown_as_assigned": shown,
        "still_under_pending": column_has(html, "to_dispatch", wo.pk),
        "pending_total_shown": int(shown_pending.group(1)) if shown_pending else None,
        "pending_total_now": pending_after,
        "version_is_current": v == current,
        "next_poll_status": nxt.status_code,
        "next_poll_shows": shown_next,
    }


# ============================================================================= HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """A browser-like session on 127.0.0.1: cookies (secure ones too: the bench talks plain HTTP to
    gunicorn, TLS would end at the proxy), one connection, reconnect when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            for raw in response.msg.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(raw)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or (not morsel.value and morsel["expires"]):
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            if response.will_close:
                self.conn.close()
                self.conn = None
            return response.status, response, data
        raise RuntimeError("unreachable")

    def login(self, username: str, password: str) -> None:
        status, _r, data = self.request("GET", "/login/")
        if status != 200:
            raise SystemExit(f"GET /login/ answered {status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data).group(1).decode()
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
        status, response, _data = self.request(
            "POST", "/login/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username} failed: {status} {response.getheader('Location')}")


def start_gunicorn(db: str, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    cmd = [str(GUNICORN), "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    return serve(cmd, env=prod_env(db), log_path=log_path, port=port, wait=60)


VERSION_RE = re.compile(rb'data-version="([0-9a-f]+)"')


def column_has(html: bytes, column: str, pk: int) -> bool:
    start = html.find(f'data-column="{column}"'.encode())
    if start < 0:
        return False
    end = html.find(b'<section class="board-col"', start + 10)
    if end < 0:
        end = html.find(b'class="staff-status', start)
    return f'data-wo="{pk}"'.encode() in html[start : end if end > 0 else len(html)]


PENDING_RE = re.compile(rb'data-pending="(\d+)"')


def shows_assigned(html: bytes, pk: int, pending_after: int) -> bool:
    """Does this board HTML show the assignment of ``pk``? The order left 待派单 and the 待派单 total is the one
    after the assignment — or, when it is among the oldest shown there, the card is under 已派未接 (each column
    shows its oldest cards only, with the total in its header)."""
    if column_has(html, "not_accepted", pk):
        return True
    m = PENDING_RE.search(html)
    return m is not None and int(m.group(1)) == pending_after and not column_has(html, "to_dispatch", pk)


def pick_visible_pending(center_id: int, rng: random.Random, shown: int = 30):
    """A pending repair among the oldest ``shown`` pending orders, i.e. a card the dispatcher sees under 待派单
    (the board shows each column's oldest cards), that can be assigned to a center worker."""
    from propdesk.dispatch.models import WorkOrder

    candidates = list(
        WorkOrder.objects.filter(service_center_id=center_id, status="pending")
        .order_by("created_at", "pk")
        .values_list("pk", "routing", "offered")[:shown]
    )
    usable = [pk for pk, routing, offered in candidates if routing in ("engineering", "rectification") and not offered]
    if not usable:
        return None
    return WorkOrder.objects.get(pk=rng.choice(usable))


def pending_total(center_id: int) -> int:
    from propdesk.dispatch.models import WorkOrder

    return WorkOrder.objects.filter(service_center_id=center_id, status="pending").count()


def run_phase(name, sessions, make_path, total, budget, meter, expect=(200,), headers=None, on_response=None) -> dict:
    """``total`` GETs shared by ``len(sessions)`` threads (one session each)."""
    load_before = wait_quiet(QUIET["wait"], QUIET["load"], name)
    lock = threading.Lock()
    counter = iter(range(total))
    lat: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    sizes: list[int] = []
    deadline = time.monotonic() + budget

    def worker(session: Session):
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            path = make_path(i)
            t = time.perf_counter()
            try:
                status, _r, data = session.request("GET", path, headers=headers)
            except Exception as exc:  # counted, never fatal
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - t
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status in expect:
                    lat.append(elapsed)
                    sizes.append(len(data))
                elif len(errors) < 5:
                    errors.append(f"HTTP {status}: {data[:200]!r}")
                if on_response:
                    on_response(status, data)

    if meter:
        meter.begin()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        while t.is_alive():
            t.join(timeout=1)
            if meter:
                meter.sample()
    wall = time.perf_counter() - t0
    result = {"name": name, "clients": len(sessions), "requests": sum(statuses.values()), "statuses": statuses}
    result.update(summary_ms(lat))
    result["rps"] = len(lat) / wall if wall else 0
    result["bytes"] = int(statistics.median(sizes)) if sizes else 0
    result["load_before"] = load_before
    result["load_after"] = loadavg()
    result["errors"] = errors[:5]
    if meter:
        used = meter.end()
        n = max(1, sum(statuses.values()))
        result["app_cpu_ms"] = used["app_cpu_s"] * 1000 / n
        result["db_cpu_ms"] = used["db_cpu_s"] * 1000 / n
    print(
        f"   {name} ×{result['clients']}: {result['requests']} requests {statuses}, p50 {result.get('p50', 0):.1f} ms, "
        f"p95 {result.get('p95', 0):.1f} ms, p99 {result.get('p99', 0):.1f} ms, {result['rps']:.1f} req/s "
        f"(load {load_before:.2f} → {result['load_after']:.2f})",
        flush=True,
    )
    for e in result["errors"]:
        print("     ", e, flush=True)
    return result


def update_latency(port, center_id, args, pollers: int, rng: random.Random, meter) -> dict:
    """Dispatchers poll /dispatch/live/ like htmx (every ``args.poll_interval`` s; after a 200 swap the new poll
    element starts its own timer); another session assigns a pending order the dispatcher can see (among the oldest
    pending cards) at random moments; the first dispatcher's poll response that shows the assignment (the
    card left 待派单 and the 待派单 total dropped, or the card is under 已派未接) ends the measurement."""
    from propdesk.dispatch.models import WorkOrder

    name = f"update latency ({pollers} dispatcher{'s' if pollers > 1 else ''} polling)"
    load_before = wait_quiet(QUIET["wait"], QUIET["load"], name)
    interval = args.poll_interval
    lock = threading.Lock()
    watch: dict[int, dict] = {}  # pk -> {"posted": t or None, "seen": t or None, "pending_after": n}
    stop = threading.Event()
    poll_stats = {"polls": 0, "200": 0, "204": 0, "other": 0, "lat200": [], "lat204": []}

    def poller(session: Session, main: bool):
        status, _r, data = session.request("GET", f"/dispatch/?center={center_id}")
        v = VERSION_RE.search(data).group(1).decode()
        next_at = time.perf_counter() + rng.uniform(0, interval)
        while not stop.is_set():
            delay = next_at - time.perf_counter()
            if delay > 0:
                stop.wait(delay)
                if stop.is_set():
                    return
            fired = time.perf_counter()
            status, _r, data = session.request(
                "GET", f"/dispatch/live/?center={center_id}&v={v}", headers={"HX-Request": "true"}
            )
            done = time.perf_counter()
            with lock:
                poll_stats["polls"] += 1
                if status == 200:
                    poll_stats["200"] += 1
                    poll_stats["lat200"].append(done - fired)
                elif status == 204:
                    poll_stats["204"] += 1
                    poll_stats["lat204"].append(done - fired)
                else:
                    poll_stats["other"] += 1
            if status == 200:
                m = VERSION_RE.search(data)
                if m:
                    v = m.group(1).decode()
                if main:
                    with lock:
                        for pk, w in watch.items():
                            if w["seen"] is None and shows_assigned(data, pk, w["pending_after"]):
                                w["seen"] = done
                # htmx swaps #board-live: the new #board-poll element starts a fresh 2-s timer.
                next_at = time.perf_counter() + interval
            else:
                next_at = fired + interval
                if next_at < time.perf_counter():
                    next_at = time.perf_counter()

    sessions = [Session(port) for _ in range(pollers)]
    for s in sessions:
        s.login("control", PASSWORD)
    assigner = Session(port)
    assigner.login("control", PASSWORD)
    _s, _r, page = assigner.request("GET", f"/dispatch/?center={center_id}")
    token = re.search(rb'"X-CSRFToken": "([^"]+)"', page).group(1).decode()

    threads = [threading.Thread(target=poller, args=(s, i == 0), daemon=True) for i, s in enumerate(sessions)]
    if meter:
        meter.begin()
    for t in threads:
        t.start()
    time.sleep(interval + 0.5)
    latencies, post_times, failures = [], [], []
    deadline = time.monotonic() + args.phase_seconds
    done_n = 0
    while done_n < args.assignments and time.monotonic() < deadline:
        time.sleep(rng.uniform(0.3, 2 * interval - 0.3))  # a random moment of the poll cycle
        wo = pick_visible_pending(center_id, rng)
        if wo is None:
            failures.append("no pending order left")
            break
        assignee = pick_assignee(wo)
        if assignee is None:
            failures.append(f"nobody eligible for {wo.number}")
            continue
        # The only writer of the bench database: the 待派单 total after the assignment is one less.
        with lock:
            watch[wo.pk] = {"posted": None, "seen": None, "pending_after": pending_total(center_id) - 1}
        body = urlencode(
            {
                "action": "assign",
                "assignee": assignee,
                "version": wo.version,
                "center": center_id,
                "csrfmiddlewaretoken": token,
            }
        ).encode()
        t = time.perf_counter()
        status, _r, data = assigner.request(
            "POST", f"/dispatch/wo/{wo.pk}/dispatch/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        posted = time.perf_counter()
        post_times.append(posted - t)
        if status != 302:
            failures.append(f"POST {wo.number}: HTTP {status} {data[:200]!r}")
            with lock:
                watch.pop(wo.pk, None)
            continue
        WorkOrder.objects.filter(pk=wo.pk, status="assigned").exists() or failures.append(f"{wo.number} not assigned")
        with lock:
            watch[wo.pk]["posted"] = posted
        wait_until = time.monotonic() + 4 * interval + 10
        while time.monotonic() < wait_until:
            with lock:
                seen = watch[wo.pk]["seen"]
            if seen is not None:
                break
            time.sleep(0.02)
        if seen is None:
            failures.append(f"{wo.number}: not on the board within {4 * interval + 10:.0f} s")
            continue
        latencies.append(max(0.0, seen - posted))
        done_n += 1
    stop.set()
    for t in threads:
        t.join(timeout=30)
    result = {"name": name, "pollers": pollers, "assignments": len(latencies), "failures": failures[:5]}
    result["latency"] = summary_ms(latencies)
    result["post"] = summary_ms(post_times)
    result["poll200"] = summary_ms(poll_stats["lat200"])
    result["poll204"] = summary_ms(poll_stats["lat204"])
    result["polls"] = {k: poll_stats[k] for k in ("polls", "200", "204", "other")}
    result["load_before"] = load_before
    result["load_after"] = loadavg()
    if meter:
        used = meter.end()
        result["cpu"] = used
    lat = result["latency"]
    print(
        f"   {name}: {len(latencies)} assignments, latency p50 {lat.get('p50', 0):.0f} ms, p95 "
        f"{lat.get('p95', 0):.0f} ms, max {lat.get('max', 0):.0f} ms; POST p50 {result['post'].get('p50', 0):.0f} ms; "
        f"polls {result['polls']}",
        flush=True,
    )
    for f in failures[:5]:
        print("     ", f, flush=True)
    return result


def click_path(port: int, center_id: int, args, meter, rng: random.Random) -> dict:
    """What a dispatcher waits for in the browser: 派单 opens the assign panel (htmx GET), 派给所选人员 posts
    the assignment (htmx POST, answered with the whole refreshed board)."""

    name = "dispatcher's click path (assign panel + htmx assign)"
    load_before = wait_quiet(QUIET["wait"], QUIET["load"], name)
    session = Session(port)
    session.login("control", PASSWORD)
    _s, _r, page = session.request("GET", f"/dispatch/?center={center_id}")
    token = re.search(rb'"X-CSRFToken": "([^"]+)"', page).group(1).decode()
    hx = {"HX-Request": "true", "HX-Target": "board-live", "X-CSRFToken": token}
    panel, post, failures, sizes = [], [], [], []
    if meter:
        meter.begin()
    deadline = time.monotonic() + args.phase_seconds
    for _ in range(args.clicks):
        if time.monotonic() > deadline:
            break
        wo = pick_visible_pending(center_id, rng)
        if wo is None:
            failures.append("no pending order left")
            break
        t = time.perf_counter()
        status, _r, data = session.request("GET", f"/dispatch/wo/{wo.pk}/assign/", headers=hx)
        panel.append(time.perf_counter() - t)
        m = re.search(rb'name="assignee" value="(\d+)"[^>]*checked', data)
        if status != 200 or not m:
            failures.append(f"assign panel {wo.number}: HTTP {status}, suggestion {'found' if m else 'missing'}")
            continue
        body = urlencode({"action": "assign", "assignee": m.group(1).decode(), "version": wo.version}).encode()
        pending_after = pending_total(center_id) - 1
        t = time.perf_counter()
        status, _r, data = session.request(
            "POST",
            f"/dispatch/wo/{wo.pk}/dispatch/",
            body,
            {**hx, "Content-Type": "application/x-www-form-urlencoded"},
        )
        post.append(time.perf_counter() - t)
        sizes.append(len(data))
        if status != 200 or not shows_assigned(data, wo.pk, pending_after):
            failures.append(f"POST {wo.number}: HTTP {status}")
    result = {"name": name, "panel": summary_ms(panel), "post": summary_ms(post), "failures": failures[:5]}
    result["post_bytes"] = int(statistics.median(sizes)) if sizes else 0
    result["load_before"] = load_before
    result["load_after"] = loadavg()
    if meter:
        result["cpu"] = meter.end()
    print(
        f"   {name}: panel p50 {result['panel'].get('p50', 0):.0f} ms p95 {result['panel'].get('p95', 0):.0f} ms; "
        f"htmx POST p50 {result['post'].get('p50', 0):.0f} ms p95 {result['post'].get('p95', 0):.0f} ms "
        f"({len(post)} assignments)",
        flush=True,
    )
    for f in failures[:5]:
        print("     ", f, flush=True)
    return result


# ============================================================================= report


def ms(v) -> str:
    if v is None or v != v:
        return "–"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def write_doc(
    path: Path,
    args,
    command: str,
    machine: dict,
    size: dict,
    info: dict,
    timings: dict,
    inproc: dict,
    http: list,
    latency: list,
    exp: list,
    race: dict | None = None,
    click: dict | None = None,
) -> str:
    lines: list[str] = []
    add = lines.append
    board1 = next((r for r in http if r["name"] == "GET /dispatch/?center=<id>" and r["clients"] == 1), None)
    verdict_ok = board1 is not None and board1.get("p95", 1e9) < TARGET_P95_MS
    add("## Run of " + str(machine.get("date_u", machine.get("date"))))
    add("")
    add(
        'Issue target: **"board page render p95 < 100 ms with 2,000 open orders and 200 field staff on '
        'PostgreSQL; an update visible to other dispatchers within 2 s p95"**.'
    )
    add("")
    lat_p95 = max((r["latency"].get("p95", 1e9) for r in latency), default=None)
    if board1:
        add(
            f"**Verdict: board page {'MET' if verdict_ok else 'MISSED'}** — full board page p95 = "
            f"{ms(board1['p95'])} ms with 1 client (target < {TARGET_P95_MS:.0f} ms) on "
            f"{size['open_orders_center']:,} open orders and {info.get('staff', size['field_staff_center'])} field "
            f"staff; **update latency {'MET' if lat_p95 is not None and lat_p95 < TARGET_LATENCY_P95_MS else 'MISSED'}"
            f"** — worst p95 over the latency runs {ms(lat_p95)} ms (target < {TARGET_LATENCY_P95_MS:.0f} ms). "
            f"1-minute load average during the board phase {board1['load_before']:.2f}→{board1['load_after']:.2f} "
            "(2 CPUs: above ~1 the figures are inflated by other work)."
        )
        add("")
    for r in latency:
        lat = r["latency"]
        add(
            f"* Board update latency after an assignment, {r['pollers']} dispatcher(s) polling: p50 "
            f"{ms(lat.get('p50'))} ms, p95 {ms(lat.get('p95'))} ms, max {ms(lat.get('max'))} ms over "
            f"{r['assignments']} assignments (expected ≤ {args.poll_interval:g} s poll wait + one refresh)."
        )
    if latency:
        add("")
    add("### How it was run")
    add("")
    add("```sh")
    add(command)
    add("```")
    add("")
    add(
        f"* date: {machine.get('date_u', machine.get('date'))}; application at commit {machine.get('commit') or app_commit()}"
    )
    add(
        f"* machine: {machine.get('nproc')} CPUs ({machine.get('cpu', '?')}), {machine.get('memory', '?')} RAM; "
        f"PostgreSQL {machine.get('postgresql', '?')} (default configuration, shared_buffers "
        f"{machine.get('shared_buffers', '?')}), same machine; Python {machine.get('python')}; the machine is shared "
        "(1-minute load average before/after each phase in the tables)"
    )
    add(
        f"* server: `gunicorn config.wsgi --workers {args.workers} --bind 127.0.0.1:<free port>`, "
        "`DJANGO_SETTINGS_MODULE=config.settings.prod`, `SECURE_SSL_REDIRECT=false`, `DB_CONN_MAX_AGE=60`, "
        "`DATABASE_URL=postgres://postgres@127.0.0.1:5432/" + args.db + "`; clients on the same machine "
        "(`http.client`, plain HTTP; the session and CSRF cookies are kept by the script although prod marks "
        "them Secure — TLS would end at the proxy)"
    )
    add(
        "* login: the login form (`GET /login/`, `POST /login/` with the CSRF token) as the center's control "
        "operator `control` (role 控制中心值班员 at the service center)"
    )
    add(
        "* `manage.py collectstatic` was needed: with `config.settings.prod` (CompressedManifestStaticFilesStorage) "
        'every full page, the login page included, answers 500 ("Missing staticfiles manifest entry") '
        "without `var/static/staticfiles.json`; the script runs it when the manifest is missing"
    )
    add("")
    add("### Data")
    add("")
    add(
        f"Database `{args.db}` built by the script (dropped and recreated): `manage.py migrate`, "
        f"`manage.py load_demo --households {args.households}`, then, for service center "
        f"{info.get('center', 'HY01')} (HY01):"
    )
    add("")
    add(
        f"* **{size['field_staff_center']} field staff** at the center ({info.get('technicians', '?')} technicians, "
        f"{info.get('housekeepers', '?')} housekeepers from the RoleMemberships of the build, plus the demo's "
        f"security guard): StaffProfile with 2–3 trades, DutyStatus checked in "
        f"({info.get('reachable', '?')} reachable; ~4 % radio fault, ~4 % out of coverage), rota entries "
        "yesterday/today/tomorrow (80 % on the shift covering now); the demo's 5 workers are part of the count;"
    )
    add(
        f"* **{size['open_orders_center']:,} open work orders** in that center: "
        + ", ".join(f"{k} {v}" for k, v in sorted(size["open_by_status"].items(), key=lambda kv: _status_order(kv[0])))
        + ";"
    )
    add(
        f"  * {args.via_services} of them created and moved through the application's services (`ticket_create`, "
        "`work_order_create`, `work_order_assign`, `work_order_progress`, `work_order_finish`, `work_order_report`, "
        "`work_order_sign_off` — with their events, SLA clocks and notifications), in the same status proportions;"
    )
    add(
        "  * the rest bulk-inserted (`bulk_create`) with the same shape: a repair (85 %) or special-service ticket "
        "of a real household/owner, ticket `created` event, work-order events for each step, first-response and "
        "dispatch SLA targets (pending ones past the 5 minutes are `breached`), completion-report / shift-sign-off "
        "targets; ~4 % of the pending repairs are vendor (外联) orders; 5 % urgent; pending orders mostly a few "
        "hours old, the others up to 3 days;"
    )
    add(
        f"* {args.closed_orders:,} closed tickets with closed work orders over the past year (history: "
        "`board_version` and the staff panel's load count read the center's / workers' whole history);"
    )
    add(
        f"* totals: {size['households']:,} households, {size['tickets']:,} tickets, {size['work_orders']:,} work "
        f"orders, {size['work_order_events']:,} work-order events, {size['sla_targets']:,} SLA targets."
    )
    if timings:
        add("* build time: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    add("")
    add("### Results over HTTP")
    add("")
    header = [
        "request",
        "clients",
        "requests",
        "status",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "req/s",
        "response",
        "app CPU ms/req",
        "PG CPU ms/req",
        "load before→after",
    ]
    add(fmt_row(header))
    add(fmt_row(["---"] * len(header)))
    for r in http:
        add(
            fmt_row(
                [
                    r["name"],
                    r["clients"],
                    r["requests"],
                    " ".join(f"{k}×{v}" for k, v in sorted(r["statuses"].items())),
                    ms(r.get("p50")),
                    ms(r.get("p95")),
                    ms(r.get("p99")),
                    ms(r.get("max")),
                    f"{r['rps']:.1f}",
                    f"{r['bytes'] / 1024:.0f} KiB" if r["bytes"] >= 1024 else f"{r['bytes']} B",
                    ms(r.get("app_cpu_ms")),
                    ms(r.get("db_cpu_ms")),
                    f"{r['load_before']:.2f}→{r['load_after']:.2f}",
                ]
            )
        )
    add("")
    add(
        "Notes: percentiles are nearest-rank over the requests with the expected status; the 204 phase re-reads "
        "the version when a poll answers 200 (the fingerprint includes the current minute, so the first poll of "
        "every minute is a 200 even when nothing changed — counted in the status column, not in its "
        'percentiles). "stale v" is exactly the path of the first poll after any change (version mismatch → '
        "the columns rendered; the staff panel has its own poll)."
    )
    add("")
    add("#### Board update latency after an assignment")
    add("")
    add(
        f"Dispatcher session(s) poll `/dispatch/live/?center=<id>&v=<last version>` like htmx `every "
        f"{args.poll_interval:g}s` (a fixed {args.poll_interval:g}-s timer; after a 200 the swapped-in poll "
        "element starts a new timer). A second session of `control` assigns a pending repair that is on the "
        "board (one of the oldest pending cards, which are the ones shown) to a reachable worker of its trade "
        "(`POST /dispatch/wo/<pk>/dispatch/`, action=assign, the CSRF token, the order's version) at a random "
        "moment of the poll cycle; measured: from the end of the POST's response (302) to the end of the first "
        "poll response of the first dispatcher that shows the assignment — the card gone from 待派单 and the "
        "待派单 total one less (`data-pending`), or the card under 已派未接 (each column shows its oldest cards "
        "only, so a newly assigned order is usually counted in 已派未接's header rather than shown)."
    )
    add("")
    header = [
        "dispatchers polling",
        "assignments",
        "latency p50 ms",
        "p95 ms",
        "max ms",
        "POST p50 / p95 ms",
        "poll 200 p50 / p95 ms",
        "poll 204 p50 / p95 ms",
        "polls (200 / 204)",
        "load before→after",
    ]
    add(fmt_row(header))
    add(fmt_row(["---"] * len(header)))
    for r in latency:
        lat = r["latency"]
        add(
            fmt_row(
                [
                    r["pollers"],
                    r["assignments"],
                    ms(lat.get("p50")),
                    ms(lat.get("p95")),
                    ms(lat.get("max")),
                    f"{ms(r['post'].get('p50'))} / {ms(r['post'].get('p95'))}",
                    f"{ms(r['poll200'].get('p50'))} / {ms(r['poll200'].get('p95'))}",
                    f"{ms(r['poll204'].get('p50'))} / {ms(r['poll204'].get('p95'))}",
                    f"{r['polls']['200']} / {r['polls']['204']}",
                    f"{r['load_before']:.2f}→{r['load_after']:.2f}",
                ]
            )
        )
    for r in latency:
        for f in r["failures"]:
            add(f"* {r['name']}: {f}")
    add("")
    add(
        f"Expected from the design: a uniform wait for the next poll (0–{args.poll_interval:g} s, mean "
        f"{args.poll_interval / 2:g} s) plus one full board render (the 200 poll)."
    )
    add("")
    if click:
        add("#### The dispatcher's own click path")
        add("")
        add(
            "In the browser 派单 opens the assign panel (`GET /dispatch/wo/<pk>/assign/`, htmx) and 派给所选人员 "
            "posts the assignment with htmx (`POST /dispatch/wo/<pk>/dispatch/`, `HX-Request`), which answers "
            "with the refreshed columns (`views.dispatch_action`; the staff panel refreshes on its own poll). One "
            "session, the panel's suggested worker, pending repairs shown on the board:"
        )
        add("")
        add(fmt_row(["request", "n", "p50 ms", "p95 ms", "max ms", "response", "load before→after"]))
        add(fmt_row(["---"] * 7))
        for label, key, nbytes in (
            ("GET /dispatch/wo/<pk>/assign/ (assign panel)", "panel", None),
            ("POST /dispatch/wo/<pk>/dispatch/ (htmx assign → the columns)", "post", click.get("post_bytes")),
        ):
            r = click[key]
            add(
                fmt_row(
                    [
                        label,
                        r.get("n", 0),
                        ms(r.get("p50")),
                        ms(r.get("p95")),
                        ms(r.get("max")),
                        f"{nbytes / 1024:.0f} KiB" if nbytes else "",
                        f"{click['load_before']:.2f}→{click['load_after']:.2f}",
                    ]
                )
            )
        for f in click["failures"]:
            add(f"* {f}")
        add("")
    if race and race.get("ran"):
        add("#### A change landing while a poll renders (race check)")
        add("")
        add(
            "An assignment is committed from another connection right after the view has read the columns of a "
            "poll (deterministic: `selectors.board_columns` wrapped in this process). The view reads the "
            "fingerprint before the columns, so the response carries the old fingerprint and the next poll "
            "shows the change:"
        )
        add("")
        add(
            f"* order {race['order']} (now `{race['status_now']}`): the racing response shows the assignment: "
            f"**{race['shown_as_assigned']}** (expected False: it was read before); its version is the current "
            f"one: **{race['version_is_current']}** (expected False); the next poll answers "
            f"**{race['next_poll_status']}** and shows it: **{race.get('next_poll_shows')}** (expected 200, True)."
        )
        add("")
    add("### In process: queries and where the time goes")
    add("")
    add(
        "Query counts with `django.test.utils.CaptureQueriesContext` (test client, `config.settings.prod`, same "
        "database; the user's scope is recomputed per request as in production):"
    )
    add("")
    add(fmt_row(["request", "queries", "time in SQL ms"]))
    add(fmt_row(["---", "---", "---"]))
    for name, (n, sql_ms) in inproc["queries"].items():
        add(fmt_row([name, n, ms(sql_ms)]))
    add("")
    add(
        f"The board page has {inproc['cards']:,} cards and is {inproc['board_bytes'] / 1024:.0f} KiB of HTML "
        f"(the 200 poll: {inproc.get('poll_200_bytes', 0) / 1024:.0f} KiB); rendering the template issues "
        f"{inproc['render_queries']} queries of its own."
    )
    add("")
    add(f"Time breakdown of one board render (median of {args.reps} runs, wall clock, in process):")
    add("")
    add(fmt_row(["part", "ms"]))
    add(fmt_row(["---", "---"]))
    for name, seconds in inproc["breakdown_rows"]:
        add(fmt_row([name, ms(seconds * 1000)]))
    add("")
    add("SQL of the board page, slowest first (EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECTs):")
    add("")
    for t, sql, plan in inproc["explain"]:
        add(f"<details><summary>{t:.1f} ms — <code>{_html(sql[:140])}…</code></summary>")
        add("")
        add("```sql")
        add(sql)
        add("```")
        add("")
        add("```")
        add(plan)
        add("```")
        add("</details>")
        add("")
    add("<details><summary>All queries of one board render</summary>")
    add("")
    add("```")
    for q in inproc["board_sql"]:
        add(f"{float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")
    add("```")
    add("</details>")
    add("")
    if "profile_tottime" in inproc:
        add("<details><summary>cProfile of one board request (test client), by own time</summary>")
        add("")
        add("```")
        add(inproc["profile_tottime"])
        add("```")
        add("</details>")
        add("")
        add("<details><summary>cProfile, cumulative, project and Django template/ORM frames</summary>")
        add("")
        add("```")
        add(inproc["profile_cumulative"])
        add("```")
        add("</details>")
        add("")
    if exp:
        add("### Before and after, in process (same data, same process, the variants taking turns)")
        add("")
        add(fmt_row(["variant", "median ms", "note"]))
        add(fmt_row(["---", "---", "---"]))
        for name, seconds, note in exp:
            add(fmt_row([name, ms(seconds * 1000), note]))
        add("")
    lines.extend(analysis(args, size, inproc, http, latency, exp, race, click))
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    # The newest run on top; the earlier runs are kept below it.
    previous = path.read_text() if path.exists() else ""
    if previous.startswith(DOC_TITLE):
        previous = previous[len(DOC_TITLE) :].lstrip("\n")
    doc = DOC_TITLE + "\n\n" + text + ("\n---\n\n" + previous if previous else "")
    path.write_text(doc)
    return text


def analysis(args, size, inproc, http, latency, exp, race, click) -> list[str]:
    """The explanation, with this run's numbers."""

    def phase(name, clients=1):
        return next((r for r in http if r["name"] == name and r["clients"] == clients), {})

    def part(prefix):
        return next((sec * 1000 for label, sec in inproc["breakdown_rows"] if label.strip().startswith(prefix)), None)

    def variant(prefix):
        return next(((sec * 1000, note) for name, sec, note in exp if name.strip().startswith(prefix)), (None, ""))

    b1, b4 = phase("GET /dispatch/?center=<id>", 1), phase("GET /dispatch/?center=<id>", 4)
    p204, p200 = phase("GET /dispatch/live/ (unchanged → 204)"), phase("GET /dispatch/live/ (after a change → 200)")
    n_sql, sql_ms = inproc["queries"].get("GET /dispatch/?center=<id> (full board page)", (0, 0))
    out = ["### Analysis", ""]
    out.append(
        f"**Board page:** p50 {ms(b1.get('p50'))} ms / p95 {ms(b1.get('p95'))} ms with one client (target p95 < "
        f"{TARGET_P95_MS:.0f} ms), p50 {ms(b4.get('p50'))} / p95 {ms(b4.get('p95'))} ms with 4 clients at "
        f"{b4.get('rps', 0):.1f} req/s ({args.workers} sync workers). In process the whole view (test client) takes "
        f"{ms(part('full view'))} ms: {n_sql} queries, {ms(sql_ms)} ms in SQL; `board_columns` "
        f"{ms(part('board_columns'))} ms, `staff_status` {ms(part('staff_status'))} ms, `board_version` "
        f"{ms(part('board_version'))} ms, the template {ms(part('template'))} ms (the cards "
        f"{ms(part('· of it: _board_live'))} ms, the staff panel {ms(part('· of it: _staff_panel'))} ms)."
    )
    out.append("")
    out.append(
        f"**A refresh (poll 200):** p50 {ms(p200.get('p50'))} / p95 {ms(p200.get('p95'))} ms; an unchanged poll (204) "
        f"p50 {ms(p204.get('p50'))} / p95 {ms(p204.get('p95'))} ms. A refresh carries the columns only: the staff "
        "panel (duty, radio, coverage, shift, load) is its own element, `GET /dispatch/staff/` as soon as the page "
        "has loaded and every 10 s after."
    )
    out.append("")
    for r in latency:
        lat = r["latency"]
        out.append(
            f"**Update latency, {r['pollers']} dispatcher(s):** p50 {ms(lat.get('p50'))} / p95 {ms(lat.get('p95'))} "
            f"ms (target p95 < {TARGET_LATENCY_P95_MS:.0f} ms): the wait for the next poll (uniform over "
            f"0–{args.poll_interval:g} s, so its own p95 is {args.poll_interval * 950:.0f} ms) plus one refresh."
        )
    if latency:
        out.append("")
    if exp:
        out.append("**What changed, measured in process on this data** (before = the code at " + BASE_COMMIT + "):")
        out.append("")
        for prefix, label in (
            (f"before ({BASE_COMMIT}): board refresh", "a refresh before"),
            ("now: board refresh", "a refresh now"),
            (f"before ({BASE_COMMIT}): full page", "the full page before"),
            ("now: full page", "the full page now"),
            ("now: staff panel alone", "the staff panel alone"),
        ):
            value, note = variant(prefix)
            if value is not None:
                out.append(f"* {label}: {ms(value)} ms ({note})")
        out.append(
            "* the cards: the window numbers the bare work-order rows (ids, column, column total in one statement), "
            "then only the shown cards are fetched by id with their ticket, room, community, worker and vendor; "
            "the trade labels are computed once per request and the card links built from one reversed pattern "
            "each; the per-card and per-row `{% translate %}` tags are read once per template into variables;"
        )
        for prefix in ("staff load:", "eligible_staff", "board_version", "  · its Max", "  · the same without"):
            for name, sec, note in exp:
                if name.startswith(prefix):
                    out.append(f"* {name.strip()}: {ms(sec * 1000)} ms ({note})")
        out.append("")
    if race and race.get("ran"):
        ok = not race["shown_as_assigned"] and race["next_poll_status"] == 200 and race.get("next_poll_shows")
        out.append(
            "**Race check:** "
            + (
                "a change landing between the fingerprint and the columns shows on the next poll."
                if ok
                else "UNEXPECTED — see the race check above."
            )
        )
        out.append("")
    out.append(
        "Operational note: `config.settings.prod` uses `CompressedManifestStaticFilesStorage`, so every full page "
        "(login included) answers 500 until `manage.py collectstatic` has written `var/static/staticfiles.json` "
        "(docs/configuration.md lists the step)."
    )
    return out


def _status_order(status: str) -> int:
    order = [s for s, _share in STATUS_MIX]
    return order.index(status) if status in order else 99


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ============================================================================= main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_board", help="bench database (must start with propdesk_board)")
    parser.add_argument("--skip-build", action="store_true", help="reuse the database already built")
    parser.add_argument("--build-only", action="store_true", help="build the database, then stop")
    parser.add_argument("--keep-db", action="store_true", help="build on the existing database (no drop; empty)")
    parser.add_argument("--no-http", action="store_true", help="in-process measurements only (no gunicorn)")
    parser.add_argument("--households", type=int, default=20000, help="load_demo households (default 20,000)")
    parser.add_argument("--staff", type=int, default=200, help="field staff at the center (default 200)")
    parser.add_argument("--orders", type=int, default=2000, help="open work orders at the center (default 2,000)")
    parser.add_argument("--via-services", type=int, default=300, help="of them created through the services (300)")
    parser.add_argument("--closed-orders", type=int, default=20000, help="closed history orders (default 20,000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--board-requests", type=int, default=200, help="board GETs per client count (default 200)")
    parser.add_argument("--board-concurrency", default="1,4", help="client counts for the board (default 1,4)")
    parser.add_argument("--poll-requests", type=int, default=200, help="live polls per kind (default 200)")
    parser.add_argument("--assignments", type=int, default=25, help="assignments per latency run (default 25)")
    parser.add_argument("--clicks", type=int, default=20, help="assign-panel + htmx-assign rounds (default 20)")
    parser.add_argument("--latency-pollers", default="1,4", help="dispatchers polling in the latency runs (1,4)")
    parser.add_argument(
        "--poll-interval", type=float, default=None, help="the board's poll interval, s (default: read from the page)"
    )
    parser.add_argument("--reps", type=int, default=15, help="repetitions of the in-process timings (15)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile of one render")
    parser.add_argument("--experiments", action="store_true", help="measure the proposed fixes in process")
    parser.add_argument("--phase-seconds", type=float, default=300, help="time budget of one HTTP phase (300)")
    parser.add_argument("--quiet-load", type=float, default=1.0, help="wait for a 1-min load average ≤ this")
    parser.add_argument("--quiet-wait", type=float, default=300, help="… but at most this many seconds per phase")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks-board.md", help="the report")
    parser.add_argument(
        "--json",
        type=Path,
        default=Path("/tmp/propdesk-board-results.json"),
        help="raw results (JSON) are written here first (default %(default)s)",
    )
    parser.add_argument("--from-json", type=Path, default=None, help="only write the report from saved raw results")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    if args.from_json:
        doc_from_json(args.from_json, args.out)
        return
    db = check_board_db(args.db)
    QUIET.update(wait=args.quiet_wait, load=args.quiet_load)
    rng = random.Random(args.seed)
    command = ".venv/bin/python bench/board_bench.py " + " ".join(sys.argv[1:])
    timings: dict[str, float] = {}

    if not args.skip_build:
        build_database(db, args, timings)
    setup_django(db)
    from django.conf import settings
    from django.db import connection

    from propdesk.org.models import ServiceCenter

    if args.skip_build:
        info = {
            "center_id": ServiceCenter.objects.get(code="HY01").pk,
            "center": ServiceCenter.objects.get(code="HY01").name,
        }
        info.update(_staff_info(info["center_id"]))
    else:
        info = build_board_data(args, rng, timings)
        info.update(_staff_info(info["center_id"]))
        with pg_connect(db) as conn:
            conn.execute("VACUUM ANALYZE")
    center_id = info["center_id"]
    size = data_size(center_id)
    print(f"data: {json.dumps(size, ensure_ascii=False)}", flush=True)
    if args.build_only:
        print(f"built {db} ({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())})", flush=True)
        return

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        step(f"manage.py collectstatic (no {manifest}: full pages would answer 500 under config.settings.prod)")
        run([str(PYTHON), str(MANAGE), "collectstatic", "--noinput", "-v0"], prod_env(db), timeout=600)

    step("in process: query counts, EXPLAIN ANALYZE, time breakdown")
    wait_quiet(QUIET["wait"], QUIET["load"], "in-process timings")
    inproc = in_process(center_id, args.reps, not args.no_profile)
    for name, (n, sql_ms) in inproc["queries"].items():
        print(f"   {name}: {n} queries, {sql_ms:.1f} ms in SQL", flush=True)
    for name, seconds in inproc["breakdown_rows"]:
        print(f"   {name}: {seconds * 1000:.1f} ms", flush=True)
    exp = []
    if args.experiments:
        step("in process: proposed fixes")
        exp = experiments(center_id, args.reps)
        for name, seconds, note in exp:
            print(f"   {name}: {seconds * 1000:.1f} ms {note}", flush=True)
    step("in process: race between the columns and the version of one poll")
    race = race_check(center_id)
    print(f"   {race}", flush=True)
    connection.close()
    http_results, latency_results, click = [], [], None
    if not args.no_http:
        http_results, latency_results, click = http_phases(db, center_id, args, rng)
    finish(args, db, command, info, timings, center_id, http_results, latency_results, exp, race, click, inproc)


def http_phases(db: str, center_id: int, args, rng: random.Random):
    """The HTTP measurements against a gunicorn of the bench database."""
    port = free_port()
    log_path = Path("/tmp") / f"propdesk-board-gunicorn-{port}.log"
    step(f"starting gunicorn on 127.0.0.1:{port} with {args.workers} workers (log: {log_path})")
    proc = start_gunicorn(db, port, args.workers, log_path)
    meter = CpuMeter(db, lambda: [proc.pid, *child_pids(proc.pid)])
    http_results, latency_results = [], []
    try:
        board = f"/dispatch/?center={center_id}"
        max_clients = max(int(c) for c in args.board_concurrency.split(","))
        sessions = [Session(port) for _ in range(max(max_clients, 1))]
        for s in sessions:
            s.login("control", PASSWORD)
        # Warm-up: both workers import, connect and fill their caches.
        run_phase("warm-up", sessions[:4], lambda i: board, 12, args.phase_seconds, None)
        for c in [int(x) for x in args.board_concurrency.split(",")]:
            http_results.append(
                run_phase(
                    "GET /dispatch/?center=<id>",
                    sessions[:c],
                    lambda i: board,
                    args.board_requests,
                    args.phase_seconds,
                    meter,
                )
            )
        _s, _r, page = sessions[0].request("GET", board)
        current = {"v": VERSION_RE.search(page).group(1).decode()}
        if args.poll_interval is None:  # the poll element's own timer (hx-trigger="every Ns")
            m = re.search(rb'id="board-poll"[^>]*hx-trigger="every ([0-9.]+)(ms|s)"', page)
            args.poll_interval = (float(m.group(1)) / (1000 if m.group(2) == b"ms" else 1)) if m else 2.0

        def refresh(status, data):
            if status == 200:
                m = VERSION_RE.search(data)
                if m:
                    current["v"] = m.group(1).decode()

        hx = {"HX-Request": "true"}
        http_results.append(
            run_phase(
                "GET /dispatch/live/ (unchanged → 204)",
                sessions[:1],
                lambda i: f"/dispatch/live/?center={center_id}&v={current['v']}",
                args.poll_requests,
                args.phase_seconds,
                meter,
                expect=(204,),
                headers=hx,
                on_response=refresh,
            )
        )
        http_results.append(
            run_phase(
                "GET /dispatch/live/ (after a change → 200)",
                sessions[:1],
                lambda i: f"/dispatch/live/?center={center_id}&v=stale",
                args.poll_requests,
                args.phase_seconds,
                meter,
                headers=hx,
            )
        )
        for pollers in [int(x) for x in args.latency_pollers.split(",")]:
            latency_results.append(update_latency(port, center_id, args, pollers, rng, meter))
        click = click_path(port, center_id, args, meter, rng) if args.clicks else None
    finally:
        stop_server(proc)
    return http_results, latency_results, click


def finish(args, db, command, info, timings, center_id, http_results, latency_results, exp, race, click, inproc):
    """The raw results as JSON, then the report."""
    if args.poll_interval is None:  # no HTTP run: the interval the poll element declares
        live = (REPO / "propdesk/dispatch/templates/dispatch/partials/_board_live.html").read_text()
        m = re.search(r'id="board-poll"[^>]*hx-trigger="every ([0-9.]+)(ms|s)"', live)
        args.poll_interval = (float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)) if m else 2.0
    machine = machine_info(db)
    machine["date_u"] = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    with pg_connect(db) as conn:
        machine["shared_buffers"] = conn.execute("SHOW shared_buffers").fetchone()[0]
    machine["commit"] = app_commit()
    size = data_size(center_id)
    raw = {
        "command": command,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": machine,
        "size": size,
        "info": info,
        "timings": timings,
        "http": http_results,
        "latency": latency_results,
        "experiments": exp,
        "race": race,
        "click": click,
        "inproc": inproc,
    }
    # The raw results first (the report can be written again from them with --from-json).
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(raw, ensure_ascii=False, indent=1, default=str))
    print(f"raw results: {args.json}", flush=True)
    write_doc(
        args.out, args, command, machine, size, info, timings, inproc, http_results, latency_results, exp, race, click
    )
    print(f"wrote {args.out}", flush=True)


def app_commit() -> str:
    """The commit benchmarked, and whether the application code differs from it."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "propdesk", "config"], cwd=REPO, capture_output=True, text=True
    )
    return head.stdout.strip() + (" (application code modified)" if dirty.stdout.strip() else "")


def doc_from_json(path: Path, out: Path) -> None:
    raw = json.loads(path.read_text())
    args = argparse.Namespace(**raw["args"])
    args.out = out
    exp = [tuple(e) for e in raw["experiments"]]
    raw["inproc"]["breakdown_rows"] = [tuple(r) for r in raw["inproc"]["breakdown_rows"]]
    raw["inproc"]["explain"] = [tuple(r) for r in raw["inproc"]["explain"]]
    raw["inproc"]["queries"] = {k: tuple(v) for k, v in raw["inproc"]["queries"].items()}
    for r in raw["http"]:
        r["statuses"] = {int(k): v for k, v in r["statuses"].items()}
    write_doc(
        out,
        args,
        raw["command"],
        raw["machine"],
        raw["size"],
        raw["info"],
        raw["timings"],
        raw["inproc"],
        raw["http"],
        raw["latency"],
        exp,
        raw["race"],
        raw["click"],
    )
    print(f"wrote {out} from {path}", flush=True)


def _staff_info(center_id: int) -> dict:
    from django.utils import timezone

    from propdesk.dispatch.models import DutyStatus
    from propdesk.org.models import RoleMembership

    rows = RoleMembership.objects.filter(service_center_id=center_id, is_active=True)
    now = timezone.now()
    duties = DutyStatus.objects.filter(service_center_id=center_id)
    return {
        "staff": rows.filter(role__in=["technician", "housekeeper"]).count(),
        "technicians": rows.filter(role="technician").count(),
        "housekeepers": rows.filter(role="housekeeper").count(),
        "reachable": sum(1 for d in duties if d.is_reachable(now)),
    }


if __name__ == "__main__":
    main()
