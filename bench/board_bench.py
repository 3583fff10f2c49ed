"""Benchmark of the control-center dispatch board (派单台) on PostgreSQL, production server setup.

    .venv/bin/python bench/board_bench.py                   # build propdesk_board, measure, write the doc
    .venv/bin/python bench/board_bench.py --skip-build      # measure again on the database already built
    .venv/bin/python bench/board_bench.py --orders 500 --board-requests 50 --assignments 5   # a quick one
    .venv/bin/python bench/board_bench.py --skip-build --experiments   # + the measured effect of the proposed fixes

Target (issue): "board render p95 < 150 ms with 2,000 open orders and 200 staff on PostgreSQL; board update
latency after an assignment".

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
   ``every 2s``; ``v`` = last version seen), another session assigns a pending order shown on the board at
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
import io
import json
import pstats
import random
import re
import signal
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
    setup_django,
    summary_ms,
    wait_quiet,
)

GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
DB_PREFIX = "propdesk_board"
PASSWORD = "bench-board-1234"
TARGET_P95_MS = 150.0
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
    step(f"recreating database {db}")
    recreate_database(db)
    step("manage.py migrate")
    run([str(PYTHON), str(MANAGE), "migrate", "--noinput", "-v0"], env, timeout=900)
    timings["migrate"] = time.monotonic() - t
    t = time.monotonic()
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

    def worker_for(trade: str, reachable_only: bool):
        wanted = Role.HOUSEKEEPER if trade in ("housekeeping", "cleaning") else Role.TECHNICIAN
        pool = [
            w
            for w in workers
            if w.bench_role == wanted
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
    from propdesk.org.models import ServiceCenter

    user = get_user_model().objects.get(username="control")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    board_url = f"/dispatch/?center={center_id}"
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

    from django.urls import reverse

    shown = [(col["key"], card) for col in ctx_data["columns"] for card in col["cards"]]
    urls_per_card = {"to_dispatch": 3, "not_accepted": 2}

    def card_urls():
        for key, o in shown:
            reverse("dispatch:work_order", args=[o.pk])
            if urls_per_card.get(key, 1) >= 2:
                reverse("dispatch:assign_panel", args=[o.pk])
            if urls_per_card.get(key, 1) >= 3:
                reverse("dispatch:dispatch", args=[o.pk])

    def all_orders():
        return list(selectors.board_orders(user=fresh_user(), center_id=center_id))

    med = _interleaved(
        {
            "full": lambda: client.get(board_url),
            "columns": columns,
            "staff": lambda: selectors.staff_status(center_id=center_id),
            "version": lambda: selectors.board_version(user=fresh_user(), center_id=center_id),
            "template": lambda: render_to_string("dispatch/board.html", ctx_data, request=req),
            "trade": lambda: [o.get_trade_display() for _k, o in shown],
            "urls": card_urls,
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
        ("template: render board.html with the context ready", med["template"]),
        (f"  · inside it: wo.get_trade_display for the {len(shown)} cards", med["trade"]),
        ("  · inside it: the cards' {% url %} tags (1–3 per card)", med["urls"]),
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


def experiments(center_id: int, reps: int) -> list[tuple[str, float, str]]:
    """The measured effect of the proposed fixes, in this process, without changing the application."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Value, When, Window
    from django.db.models.functions import Coalesce, RowNumber
    from django.template import engines
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_htmx.middleware import HtmxDetails

    from propdesk.core.scoping import invalidate_scope
    from propdesk.dispatch import selectors, services
    from propdesk.dispatch.choices import ACTIVE_WORK, BOARD_COLUMNS, OPEN_STATUSES, Trade
    from propdesk.dispatch.models import RotaEntry, WorkOrder
    from propdesk.org.choices import Role
    from propdesk.org.models import RoleMembership, ServiceCenter

    User = get_user_model()
    user = User.objects.get(username="control")
    center = ServiceCenter.objects.get(pk=center_id)
    req = RequestFactory(HTTP_HOST="127.0.0.1").get(f"/dispatch/?center={center_id}")
    req.user = user
    req.htmx = HtmxDetails(req)
    results: list[tuple[str, float, str]] = []

    # ---- templates: the real ones, and a variant of the live partial without the per-card costs found by
    # the profile (get_trade_display evaluates every lazy Trade label, and 1–3 {% url %} per card).
    engine = engines["django"]
    tdir = REPO / "propdesk" / "dispatch" / "templates" / "dispatch"
    board_src = (tdir / "board.html").read_text()
    live_src = (tdir / "partials" / "_board_live.html").read_text()
    swaps = {
        "{{ wo.get_trade_display }}": "{{ wo.trade_label }}",
        "{% url 'dispatch:work_order' wo.pk %}": "{{ wo_url }}{{ wo.pk }}/",
        "{% url 'dispatch:assign_panel' wo.pk %}": "{{ wo_url }}{{ wo.pk }}/assign/",
        "{% url 'dispatch:dispatch' wo.pk %}": "{{ wo_url }}{{ wo.pk }}/dispatch/",
    }
    micro_src = live_src
    for old, new in swaps.items():
        if old not in micro_src:
            raise SystemExit(f"experiments: {old!r} not found in _board_live.html (template changed?)")
        micro_src = micro_src.replace(old, new)
    include = '{% include "dispatch/partials/_board_live.html" %}'
    if include not in board_src:
        raise SystemExit("experiments: board.html no longer includes the live partial")
    board_tpl = engine.from_string(board_src.replace(include, "{% include live_tpl %}"))
    live_real = engine.from_string(live_src).template
    live_micro = engine.from_string(micro_src).template
    wo_url = reverse("dispatch:work_order", args=[0])[:-2]
    labels_lazy = dict(Trade.choices)

    def context(columns, live, staff=True):
        return {
            "center": center,
            "centers": selectors.dispatch_centers(user=user),
            "mode": services.settings_for(center.pk).get_mode_display(),
            "columns": columns,
            "pending": columns[0]["total"],
            "staff": selectors.staff_status(center_id=center_id) if staff else [],
            "version": "x",
            "now": dt.datetime.now(dt.UTC),
            "live_tpl": live,
            "wo_url": wo_url,
        }

    def label(cols):
        names = {k: str(v) for k, v in labels_lazy.items()}  # once per request, in the active language
        for col in cols:
            for card in col["cards"]:
                card.trade_label = names.get(card.trade, card.trade)
        return cols

    def totals():
        return dict(
            WorkOrder.objects.visible_to(user)
            .filter(service_center_id=center_id, status__in=OPEN_STATUSES)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )

    def flags(cards, now):
        for card in cards:
            targets = getattr(card.ticket, "dispatch_targets", [])
            card.dispatch_due = targets[0].due_at if targets and card.status == "pending" else None
            card.overdue = bool(card.dispatch_due and card.dispatch_due <= now) or bool(
                card.vendor_due_at and card.vendor_due_at <= now and not card.finished_at
            )

    def limit_columns(cap):
        # Alternative to the window: per column ORDER BY created_at, id LIMIT cap (6 queries + 6 prefetches).
        base = selectors.board_orders(user=user, center_id=center_id)
        now = dt.datetime.now(dt.UTC)
        n = totals()
        cols = []
        for key, title, statuses in BOARD_COLUMNS:
            cards = list(base.filter(status__in=statuses)[:cap])
            flags(cards, now)
            total = sum(n.get(st, 0) for st in statuses)
            cols.append({"key": key, "title": title, "cards": cards, "total": total, "hidden": total - len(cards)})
        return cols

    def all_columns():
        # The board before the cap (commit 1400b3c): every open order as a card.
        orders = list(selectors.board_orders(user=user, center_id=center_id))
        now = dt.datetime.now(dt.UTC)
        cols = []
        for key, title, statuses in BOARD_COLUMNS:
            cards = [o for o in orders if o.status in statuses]
            flags(cards, now)
            cols.append({"key": key, "title": title, "cards": cards, "total": len(cards), "hidden": 0})
        return cols

    # ---- staff panel: the load count joins every work order the workers ever had (history grows forever).
    members = RoleMembership.objects.filter(
        is_active=True, role__in=[Role.TECHNICIAN, Role.HOUSEKEEPER, Role.SECURITY_GUARD]
    ).filter(Q(service_center=center) | Q(community__service_center=center))
    active = (
        WorkOrder.objects.filter(assignee=OuterRef("pk"), status__in=ACTIVE_WORK)
        .order_by()
        .values("assignee")
        .annotate(c=Count("*"))
        .values("c")
    )
    proposed = (
        User.objects.filter(is_active=True, pk__in=members.values("user"))
        .select_related("staff_profile__department", "duty")
        .annotate(load=Coalesce(Subquery(active), 0))
        .order_by("staff_profile__department__kind", "staff_profile__name")
    )

    def two_step_columns(cap):
        # Proposed: number the bare work-order rows (narrow, from the index) and keep the first `cap` ids per
        # column, then fetch only those cards with their joins. In one statement (`pk__in=<subquery>`) the planner
        # still joins every open order first, so the ids are read first (2 round trips, both ~2 ms).
        column_of = Case(
            *[When(status__in=list(statuses), then=Value(key)) for key, _t, statuses in BOARD_COLUMNS],
            output_field=CharField(),
        )
        ids = list(
            WorkOrder.objects.visible_to(user)
            .filter(service_center_id=center_id, status__in=OPEN_STATUSES)
            .annotate(
                rank=Window(RowNumber(), partition_by=[column_of], order_by=[F("created_at").asc(), F("pk").asc()])
            )
            .filter(rank__lte=cap)
            .values_list("pk", flat=True)
        )
        cards_all = list(selectors.board_orders(user=user, center_id=center_id).filter(pk__in=ids))
        now = dt.datetime.now(dt.UTC)
        n = totals()
        cols = []
        for key, title, statuses in BOARD_COLUMNS:
            cards = [c for c in cards_all if c.status in statuses]
            flags(cards, now)
            total = sum(n.get(st, 0) for st in statuses)
            cols.append({"key": key, "title": title, "cards": cards, "total": total, "hidden": total - len(cards)})
        return cols

    def staff_status_subquery():
        # selectors.staff_status with the load as a correlated COUNT of the worker's active orders.
        now = dt.datetime.now(dt.UTC)
        on_shift = set(RotaEntry.objects.filter(starts_at__lte=now, ends_at__gt=now).values_list("user_id", flat=True))
        rows = []
        for u in proposed.all():
            duty = getattr(u, "duty", None)
            profile = getattr(u, "staff_profile", None)
            rows.append(
                {
                    "user": u,
                    "name": profile.name if profile else u.username,
                    "department": profile.department.name if profile else "",
                    "on_duty": bool(duty and duty.on_duty),
                    "radio_ok": duty.radio_ok if duty else True,
                    "away_until": duty.away_until if duty and duty.away_until and duty.away_until > now else None,
                    "away_reason": duty.away_reason if duty else "",
                    "reachable": bool(duty and duty.is_reachable(now)),
                    "on_shift": u.pk in on_shift,
                    "load": u.load,
                }
            )
        return rows

    def run_variant(columns_fn, live, micro=False, staff=True, staff_fn=None):
        def go():
            invalidate_scope(user)
            cols = columns_fn()
            if micro:
                label(cols)
            ctx = context(cols, live, staff and staff_fn is None)
            if staff and staff_fn is not None:
                ctx["staff"] = staff_fn()
            board_tpl.render(ctx, request=req)

        return go

    cap = getattr(selectors, "CARDS_PER_COLUMN", 30)
    head = lambda: selectors.board_columns(user=user, center_id=center_id)  # noqa: E731
    variants = {
        "before the cap: every open order as a card (board_orders, as at commit 1400b3c)": run_variant(
            all_columns, live_real
        ),
        f"as is: {cap} oldest cards per column, one windowed query + totals; staff panel; board.html": run_variant(
            head, live_real
        ),
        "as is + template without get_trade_display / {% url %} per card": run_variant(head, live_micro, True),
        f"{cap} per column by 6 × ORDER BY … LIMIT {cap} instead of the window (+ totals)": run_variant(
            lambda: limit_columns(cap), live_real
        ),
        "as is + template fixes, staff panel not rendered (the panel's share)": run_variant(
            head, live_micro, True, staff=False
        ),
        f"{cap} per column: rank the bare ids first, then fetch those {cap * len(BOARD_COLUMNS)} cards by id": run_variant(
            lambda: two_step_columns(cap), live_real
        ),
        "combined: ids first + template fixes + staff load as Subquery (panel kept)": run_variant(
            lambda: two_step_columns(cap), live_micro, True, staff_fn=staff_status_subquery
        ),
        "combined, staff panel served separately (not in the board refresh)": run_variant(
            lambda: two_step_columns(cap), live_micro, True, staff=False
        ),
    }
    queries = {}
    for name, fn in variants.items():
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries[name] = len(ctx.captured_queries)
    for name, seconds in _interleaved(variants, reps).items():
        results.append((name, seconds, f"{queries[name]} queries"))

    as_is_loads = {r["user"].pk: r["load"] for r in selectors.staff_status(center_id=center_id)}
    same = as_is_loads == {u.pk: u.load for u in proposed}

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

    results.append(
        (
            "staff_status: load = Count(work_orders, filter=active) over the whole history (PG execution time)",
            exec_ms(lambda: selectors.staff_status(center_id=center_id), counts),
            "as is",
        )
    )
    results.append(
        (
            "staff_status: load = Subquery(COUNT of the worker's active orders; index (assignee, status))",
            exec_ms(lambda: list(proposed.all()), counts),
            "same loads" if same else "LOADS DIFFER",
        )
    )

    # ---- the poll fingerprint: Max(updated_at) over every work order of the center, history included.
    def version():
        selectors.board_version(user=user, center_id=center_id)

    def max_updated(sql: str) -> bool:
        return "MAX(" in sql.upper() and "dispatch_workorder" in sql

    results.append(("board_version (the 204 poll's fingerprint, 3 queries), as is", _median_time(version, reps), ""))
    results.append(
        (
            "  · its Max(updated_at) over the center's work orders (PG execution time), as is",
            exec_ms(version, max_updated),
            "",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_wo_center_updated ON dispatch_workorder (service_center_id, updated_at)"
        )
        cursor.execute("ANALYZE dispatch_workorder")
    try:
        results.append(
            (
                "  · the same with an index on (service_center_id, updated_at) (created for this, then dropped)",
                exec_ms(version, max_updated),
                "",
            )
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS bench_wo_center_updated")
    return results


def race_check(center_id: int) -> dict:
    """Does a poll mark a change as seen without showing it? The live view reads the columns first and the
    version last; an assignment committed in between is reported in data-version but not in the columns, so
    the next poll answers 204 and the board stays stale until some other change or the next minute.
    Made deterministic here by committing the assignment (another thread = another connection) while the
    view runs staff_status, i.e. between the two reads."""
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

    original = selectors.staff_status

    def staff_status_then_commit(**kwargs):
        rows = original(**kwargs)
        t = threading.Thread(target=assign)
        t.start()
        t.join()
        return rows

    selectors.staff_status = staff_status_then_commit
    try:
        r = client.get(f"/dispatch/live/?center={center_id}&v=stale", HTTP_HX_REQUEST="true")
    finally:
        selectors.staff_status = original
    html = r.content
    v = VERSION_RE.search(html).group(1).decode()
    shown = shows_assigned(html, wo.pk, pending_after)
    shown_pending = PENDING_RE.search(html)
    current = selectors.board_version(user=user, center_id=center_id)
    nxt = client.get(f"/dispatch/live/?center={center_id}&v={v}", HTTP_HX_REQUEST="true")
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
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=prod_env(db),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(proc)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the gunicorn master this script started; it stops its workers
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


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
    """Dispatchers poll /dispatch/live/ like htmx (every 2 s; after a 200 swap the new poll element starts
    its own 2-s timer); another session assigns a pending order the dispatcher can see (among the oldest
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
    add("# Benchmark: the dispatch board (派单台) on PostgreSQL")
    add("")
    add(
        'Issue target: **"board render p95 < 150 ms with 2,000 open orders and 200 staff on PostgreSQL; board '
        'update latency after an assignment"**.'
    )
    add("")
    if board1:
        add(
            f"**Verdict: {'MET' if verdict_ok else 'MISSED'}** — full board page p95 = {ms(board1['p95'])} ms with 1 "
            f"client (target < {TARGET_P95_MS:.0f} ms) on {size['open_orders_center']:,} open orders and "
            f"{info.get('staff', size['field_staff_center'])} field staff."
        )
        add("")
    for r in latency:
        lat = r["latency"]
        add(
            f"* Board update latency after an assignment, {r['pollers']} dispatcher(s) polling: p50 "
            f"{ms(lat.get('p50'))} ms, p95 {ms(lat.get('p95'))} ms, max {ms(lat.get('max'))} ms over "
            f"{r['assignments']} assignments (expected ≤ {args.poll_interval:g} s poll wait + one full render)."
        )
    if latency:
        add("")
    add("## How it was run")
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
    add("## Data")
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
    add("## Results over HTTP")
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
        "full columns + staff panel rendered)."
    )
    add("")
    add("### Board update latency after an assignment")
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
        add("### The dispatcher's own click path")
        add("")
        add(
            "In the browser 派单 opens the assign panel (`GET /dispatch/wo/<pk>/assign/`, htmx) and 派给所选人员 "
            "posts the assignment with htmx (`POST /dispatch/wo/<pk>/dispatch/`, `HX-Request`), which answers "
            "with the whole refreshed board (`views.dispatch_action`). One session, the panel's suggested "
            "worker, pending repairs shown on the board:"
        )
        add("")
        add(fmt_row(["request", "n", "p50 ms", "p95 ms", "max ms", "response", "load before→after"]))
        add(fmt_row(["---"] * 7))
        for label, key, nbytes in (
            ("GET /dispatch/wo/<pk>/assign/ (assign panel)", "panel", None),
            ("POST /dispatch/wo/<pk>/dispatch/ (htmx assign → whole board)", "post", click.get("post_bytes")),
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
        add("### A poll can mark a change as seen without showing it (race)")
        add("")
        add(
            "`views._board_context` reads the columns first and `board_version` last. An assignment committed "
            "between the two reads (here made deterministic: committed from another connection while the view "
            "runs `staff_status`) gives a response whose `data-version` already includes the change while its "
            "columns do not:"
        )
        add("")
        add(
            f"* order {race['order']} (now `{race['status_now']}`, one of the oldest pending cards): the response "
            f"shows the assignment: **{race['shown_as_assigned']}** (card still under 待派单: "
            f"**{race['still_under_pending']}**; 待派单 total shown {race.get('pending_total_shown')}, actual "
            f"{race.get('pending_total_now')}); the response's version is the current one: "
            f"**{race['version_is_current']}**; the next poll with it answers **{race['next_poll_status']}** — the "
            "board stays stale until another change or the next minute (the fingerprint contains the minute)."
        )
        add("")
    add("## In process: queries and where the time goes")
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
        add("## Measured effect of the proposed fixes (in process, the application unchanged)")
        add("")
        add(fmt_row(["variant", "median ms", "note"]))
        add(fmt_row(["---", "---", "---"]))
        for name, seconds, note in exp:
            add(fmt_row([name, ms(seconds * 1000), note]))
        add("")
    lines.extend(analysis(args, size, inproc, http, latency, exp, race, click))
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return text


def analysis(args, size, inproc, http, latency, exp, race, click) -> list[str]:
    """The explanation, with this run's numbers (file:line references are to the code as benchmarked)."""

    def phase(name, clients=1):
        return next((r for r in http if r["name"] == name and r["clients"] == clients), {})

    def part(prefix):
        return next((sec * 1000 for label, sec in inproc["breakdown_rows"] if label.strip().startswith(prefix)), None)

    def variant(prefix):
        return next((sec * 1000 for name, sec, _n in exp if name.strip().startswith(prefix)), None)

    b1, b4 = phase("GET /dispatch/?center=<id>", 1), phase("GET /dispatch/?center=<id>", 4)
    p204, p200 = phase("GET /dispatch/live/ (unchanged → 204)"), phase("GET /dispatch/live/ (after a change → 200)")
    cards = inproc.get("cards", 0)
    n_sql, sql_ms = inproc["queries"].get("GET /dispatch/?center=<id> (full board page)", (0, 0))
    lat1 = next((r for r in latency if r["pollers"] == 1), None)
    lat4 = next((r for r in latency if r["pollers"] > 1), None)
    met = b1.get("p95", 1e9) < TARGET_P95_MS
    out = ["## Analysis", ""]
    out.append(
        f"**Board render: target {'met' if met else 'missed'}** — p95 {ms(b1.get('p95'))} ms, p50 {ms(b1.get('p50'))} "
        f"ms with one client (target < {TARGET_P95_MS:.0f} ms); with 4 clients p50 {ms(b4.get('p50'))} ms / p95 "
        f"{ms(b4.get('p95'))} ms at {b4.get('rps', 0):.1f} req/s ({args.workers} sync workers on 2 cores: the other "
        "requests wait in the queue). The board now shows each column's oldest cards only "
        f"({cards} cards of {size['open_orders_center']:,} open orders, {inproc.get('board_bytes', 0) / 1024:.0f} KiB)."
    )
    out.append("")
    before, head = variant("before the cap"), variant("as is:")
    out.append(
        f"1. **Where the time goes now** ({n_sql} queries, {ms(sql_ms)} ms in SQL; in process, median of "
        f"{args.reps}): `board_columns` {ms(part('board_columns'))} ms (SQL {ms(part('· SQL time inside it'))} ms — "
        "the windowed query, selectors.py:83, still joins all open orders with ticket, unit, building, community, "
        "worker and vendor and numbers them before keeping the first cards, see its EXPLAIN above), the staff panel "
        f"`staff_status` {ms(part('staff_status'))} ms, `board_version` {ms(part('board_version'))} ms, the template "
        f"{ms(part('template'))} ms (inside it `get_trade_display` {ms(part('· inside it: wo.get_trade_display'))} ms "
        f"and the cards' `{{% url %}}` {ms(part('· inside it: the cards'))} ms), plus session, auth, the user's "
        f"scope and `dispatch_centers` (≈ the 204 poll: p50 {ms(p204.get('p50'))} ms over HTTP). The whole view in "
        f"the test client: {ms(part('full view'))} ms."
        + (
            f" Same run, same data, selectors + template without middleware: before the cap {ms(before)} ms → "
            f"as is {ms(head)} ms."
            if before and head
            else ""
        )
    )
    out.append("")
    micro, nostaff, limit = variant("as is + template without"), variant("as is + template fixes, staff"), None
    limit = next((sec * 1000 for name, sec, _n in exp if "instead of the window" in name), None)
    if head:
        out.append("2. **What is left, with the measured effect of each step** (in process, selectors + template):")
        out.append(
            f"   * template: compute the trade labels once per request (`{{k: str(v) for k, v in Trade.choices}}`, "
            "set `card.trade_label` in `board_columns`) instead of `{{ wo.get_trade_display }}` "
            "(_board_live.html:10 — Django's `_get_FIELD_display` rebuilds `dict(make_hashable(field.flatchoices))` "
            "on every call, which evaluates all nine lazy `Trade` labels through gettext), and build the card links "
            f"from one reversed prefix instead of 1–3 `{{% url %}}` per card (lines 10, 19, 21): {ms(head)} → "
            f"{ms(micro)} ms;"
        )
        out.append(
            f"   * the staff panel (_board_live.html:34–51: 200 rows, each with eight `{{% translate %}}` labels, and "
            "its aggregate query): "
            f"with the template fixes and without the panel {ms(nostaff)} ms. It changes with duty and rota, not "
            "with every order: render it in its own element polled less often (or cached per center for a few "
            "seconds) instead of with every board refresh;"
        )
        two = next((sec * 1000 for name, sec, _n in exp if "rank the bare ids first" in name), None)
        comb = variant("combined: ids first")
        comb_sep = variant("combined, staff panel served separately")
        if two:
            out.append(
                "   * the cards' query: the windowed statement joins all open orders with ticket, unit, building, "
                "community, worker and vendor (sequential scans of tickets and units) and sorts the wide rows before "
                "numbering them (its EXPLAIN above). Numbering the bare `dispatch_workorder` rows first (`values_list"
                "('pk')` of the same window, ~2 ms) and then fetching only those cards by id (~2 ms, index joins): "
                f"{ms(two)} ms vs {ms(head)} ms as is (in one statement with `pk__in=<subquery>` the planner still "
                "joins everything first);"
            )
        if limit:
            out.append(
                f"   * (for comparison: 6 × `ORDER BY created_at, id LIMIT n` instead of the window: {ms(limit)} ms — "
                "worse than the window);"
            )
        if comb:
            out.append(
                f"   * **all together** — ids first, the template fixes and the staff load as a `Subquery` (panel "
                f"kept): **{ms(comb)} ms** (as is {ms(head)} ms); with the staff panel served on its own: "
                f"**{ms(comb_sep)} ms**. Estimate for HTTP (the application is unchanged, so not measured there): "
                f"the page's HTTP p50 is {ms((b1.get('p50') or 0) - head)} ms above the in-process figure and its p95 "
                f"{(b1.get('p95') or 0) / max(1, b1.get('p50') or 1):.2f}× its p50 in this run, which puts the "
                f"combined variant at p50 ≈ {ms(comb + (b1.get('p50') or 0) - head)} / p95 ≈ "
                f"{ms((comb + (b1.get('p50') or 0) - head) * (b1.get('p95') or 0) / max(1, b1.get('p50') or 1))} ms and "
                f"the one without the panel at p50 ≈ {ms(comb_sep + (b1.get('p50') or 0) - head)} / p95 ≈ "
                f"{ms((comb_sep + (b1.get('p50') or 0) - head) * (b1.get('p95') or 0) / max(1, b1.get('p50') or 1))} ms."
            )
        out.append("")
    staff_as_is = next((sec * 1000 for n, sec, _x in exp if n.startswith("staff_status: load = Count")), None)
    staff_new = next((sec * 1000 for n, sec, _x in exp if n.startswith("staff_status: load = Subquery")), None)
    v_as_is = next((sec * 1000 for n, sec, _x in exp if n.strip().startswith("· its Max(updated_at)")), None)
    v_idx = next((sec * 1000 for n, sec, _x in exp if n.strip().startswith("· the same with an index")), None)
    out.append(
        "3. **Queries that grow with the history, not with the board** (this database has "
        f"{size.get('closed_orders', 0):,} closed orders; a center's history grows every day):"
    )
    out.append(
        "   * the staff panel's load (selectors.py:128: `Count('work_orders', filter=Q(status__in="
        "ACTIVE_WORK))`) joins and aggregates every work order the workers ever had"
        + (
            f" — {ms(staff_as_is)} ms in PostgreSQL; as a correlated `Subquery` counting only the active orders "
            f"(served by `dispatch_wo_assignee_idx (assignee, status)`) {ms(staff_new)} ms, identical loads"
            if staff_as_is
            else ""
        )
        + ". The same pattern (plus `Max('work_orders__assigned_at')`) is in `services.eligible_staff` "
        "(services.py:276–277), i.e. every assign panel"
        + (
            f" (over HTTP p50 {ms(click['panel'].get('p50'))} ms, p95 {ms(click['panel'].get('p95'))} ms)"
            if click
            else ""
        )
        + ";"
    )
    out.append(
        "   * `board_version`'s `Max('updated_at')` (selectors.py:107) reads every work order of the center, closed ones "
        "included, on every 2-s poll of every dispatcher"
        + (
            f" — {ms(v_as_is)} ms in PostgreSQL as is, {ms(v_idx)} ms with an index on `(service_center_id, "
            "updated_at)` (created on the bench database for the measurement, then dropped)"
            if v_as_is
            else ""
        )
        + ";"
    )
    out.append(
        "   * not measured (this database has three days of rota): `staff_status` takes the on-shift set from "
        "`RotaEntry.objects.filter(starts_at__lte=now, ends_at__gt=now)` (selectors.py:131) for the whole company; with the index "
        "`(starts_at, ends_at)` that reads every past rota entry (`starts_at <= now`) — bound it with "
        "`starts_at__gte=now - 1 day` (no shift is longer) and the workers of the center."
    )
    out.append("")
    out.append(
        "4. **Board update latency after an assignment** behaves as designed: the wait for the next 2-s poll plus "
        "one render of the changed board — "
        + (
            f"p50 {ms(lat1['latency'].get('p50'))} ms, p95 {ms(lat1['latency'].get('p95'))} ms, max "
            f"{ms(lat1['latency'].get('max'))} ms with one dispatcher polling"
            if lat1
            else ""
        )
        + (
            f"; p50 {ms(lat4['latency'].get('p50'))} ms, p95 {ms(lat4['latency'].get('p95'))} ms, max "
            f"{ms(lat4['latency'].get('max'))} ms with {lat4['pollers']} dispatchers"
            if lat4
            else ""
        )
        + f". A changed poll (200) takes p50 {ms(p200.get('p50'))} ms / p95 {ms(p200.get('p95'))} ms, an unchanged one "
        f"(204) p50 {ms(p204.get('p50'))} ms / p95 {ms(p204.get('p95'))} ms. Below ~1 s on average needs a shorter "
        "interval or a push channel; the render term is now small."
    )
    out.append("")
    cpu200 = (p200.get("app_cpu_ms") or 0) + (p200.get("db_cpu_ms") or 0)
    if cpu200:
        out.append(
            f"5. **Polling cost.** A 200 poll costs {ms(cpu200)} ms of server CPU (app {ms(p200.get('app_cpu_ms'))} + "
            f"PostgreSQL {ms(p200.get('db_cpu_ms'))}) and {inproc.get('poll_200_bytes', 0) / 1024:.0f} KiB. The "
            "fingerprint (`selectors.board_version`) changes with any change of any work order of the center *and "
            "every minute* (selectors.py:110 formats `timezone.now()` to the minute), so each dispatcher gets a full refresh at "
            "least once a minute and after every change of any of the "
            f"{size['open_orders_center']:,} open orders — on a busy center most polls. "
            + (
                f"In the {lat4['pollers']}-dispatcher latency run {lat4['polls']['200']} of "
                f"{lat4['polls']['polls']} polls were full refreshes. "
                if lat4
                else ""
            )
            + f"At one change per poll interval a dispatcher keeps ≈{cpu200 / (args.poll_interval * 1000):.2f} core "
            "busy. Proposed: drop the minute from the fingerprint (board.js already counts the deadlines down from "
            "`data-deadline`; the overdue class can be set there too, or the fingerprint can carry the next due "
            "moment instead of the clock)."
        )
        out.append("")
    if race and race.get("ran"):
        missed = [f for r in latency for f in r["failures"] if "not on the board" in f]
        out.append(
            "6. **Bug: a poll can hide a change until the next minute.** `views._board_context` "
            "(propdesk/dispatch/views.py:74–82) reads the columns (line 75) before `board_version` (line 80), and "
            "`board_live` computes the version a second time for its comparison (line 89). A change committed between the two reads is reported as seen (the new "
            "`data-version`) but not shown; the next poll answers 204 and the board stays stale until another "
            f"change or the minute rolls over (≤ 60 s). Reproduced deterministically above (shown: "
            f"{race['shown_as_assigned']}, next poll {race['next_poll_status']})"
            + (f"; seen in the latency runs: {'; '.join(missed)}" if missed else "")
            + f". The window is the selector phase of a refresh (≈{ms((part('board_columns') or 0) + (part('staff_status') or 0))} "
            "ms here), so with several dispatchers and a busy center it happens. **Proposed fix:** compute the "
            "version *before* reading the columns (in `_board_context`; `board_live` can pass the one it already "
            "computed) — a race then costs one extra refresh instead of a missed one; or read both in one "
            "`REPEATABLE READ` transaction. The full page (`board`) has the same order."
        )
        out.append("")
    if click:
        out.append(
            "7. **The htmx assignment answers with the whole board** (`views.dispatch_action`, views.py:142–148): "
            "the dispatcher's "
            f"click waits p50 {ms(click['post'].get('p50'))} ms / p95 {ms(click['post'].get('p95'))} ms "
            f"({click.get('post_bytes', 0) / 1024:.0f} KiB) against "
            + (f"{ms(lat1['post'].get('p50'))} ms" if lat1 else "tens of ms")
            + " for the redirecting POST; it is one board render plus the assignment, so it follows the board."
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
    parser.add_argument("--poll-interval", type=float, default=2.0, help="the board's poll interval, s (2)")
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
        stop_gunicorn(proc)

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
