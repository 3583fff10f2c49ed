"""Build the PostgreSQL benchmark database: demo company with 100,000 households, 1,000,000 tickets
with their history, interactions for a fraction of them and 1,000,000 running SLA deadline rows.

    .venv/bin/python bench/load_pg.py                 # propdesk_bench, the full size
    .venv/bin/python bench/load_pg.py --tickets 100000             # a quick small one
    .venv/bin/python bench/load_pg.py --db propdesk_bench10m --tickets 10000000 --no-events   # 10M, the lists

The database is dropped and recreated (only a database whose name starts with ``propdesk_bench``;
no other database is touched). Schema and master data come from the application itself
(``manage.py migrate`` and ``manage.py load_demo``); the bulk rows are generated inside PostgreSQL with
set-based ``INSERT … SELECT generate_series`` (no ORM, no round trip per row). Secondary indexes of the
four bulk tables are dropped during the load and recreated afterwards (same definitions, read from
``pg_indexes``); foreign keys are not checked row by row during the load (``session_replication_role =
replica``) but verified with anti-joins at the end.

What the generated data looks like:

* tickets received over the last 365 days (local business hours, Asia/Shanghai), spread uniformly over
  the households; kinds, channels, sources and priorities in realistic proportions; numbers
  ``BX-YYYYMMDD-NNNN`` per (service center, kind prefix, local day) in receipt order, with the
  ``TicketCounter`` rows set to the last number issued so that new tickets continue the sequence;
* status by age (open: 80 % of the last week, 50 % up to a month, 25 % up to 3 months, 12 % older);
  assignee/team/hand-off/resolved/closed consistent with the status;
* TicketEvent rows: "created" for every ticket, plus hand-off, assignment and status changes matching
  the ticket's state (``version`` = 1 + the number of later events);
* Interaction rows for ``--interaction-fraction`` of the tickets (outcome "ticket") plus
  ``--extra-interactions`` contacts answered without a ticket;
* exactly ``--running-targets`` SlaTarget rows in state "running", all on open tickets: every open
  ticket has one (its first-response clock, major-progress for praise), the rest are spread over the
  other policies, never two open rows for one (ticket, policy). Deadlines are synthetic: due 2–30 days
  from now, warning at 80 % of the policy's duration, ``next_check_at`` = the warning moment, so nothing
  falls due while the benchmarks run unless a benchmark moves it.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MANAGE, PYTHON, check_db_name, pg_connect, prod_env, run

BULK_TABLES = ("tickets_ticket", "tickets_ticketevent", "intake_interaction", "sla_slatarget")

# Order of policies used for the running deadline rows (codes from sla/migrations/0002_default_policies).
POLICY_ORDER = (
    "first_response",
    "dispatch",
    "complaint_first_contact",
    "feedback_result",
    "major_progress",
    "superior_answer",
    "superior_escalation",
    "housekeeping_return_visit",
    "developer_complaint_result",
    "complaint_invalid_explained",
    "complaint_supervisor_same_day",
    "completion_report",
    "shift_signoff",
)

TITLES = {
    "repair": [
        "厨房水龙头漏水",
        "卫生间下水道堵塞",
        "客厅灯不亮",
        "空调冷凝水滴到楼下",
        "入户门锁损坏",
        "电梯运行有异响",
        "阳台地漏返味",
        "热水器不出热水",
        "可视对讲无声音",
        "墙面渗水发霉",
        "插座跳闸",
        "窗户关不严",
    ],
    "complaint": [
        "楼上装修噪音扰民",
        "垃圾清运不及时",
        "保安态度差",
        "车位被他人占用",
        "电梯长时间停运",
        "小区宠物粪便无人清理",
        "维修人员未按约定时间上门",
    ],
    "suggestion": [
        "建议增加儿童游乐设施",
        "建议延长会所开放时间",
        "建议增设快递柜",
        "建议增加电动车充电桩",
        "建议地下车库加装照明",
    ],
    "consultation": [
        "物业费缴纳方式",
        "装修申请流程",
        "停车月卡办理",
        "门禁卡补办",
        "房屋出租备案",
        "水电费查询",
    ],
    "praise": ["感谢维修师傅及时上门", "表扬保安拾金不昧", "感谢客服耐心解答", "表扬保洁阿姨工作认真"],
    "special_service": ["家庭保洁预约", "开荒保洁", "油烟机深度清洗", "地板打蜡", "窗帘清洗"],
    "feedback": ["小区路灯损坏", "绿化带需要修剪", "消防通道被堆放杂物", "单元门闭门器失灵", "游泳池水质浑浊"],
}

# (kind, cumulative probability)
KIND_CDF = (
    ("repair", 0.45),
    ("consultation", 0.63),
    ("complaint", 0.71),
    ("suggestion", 0.76),
    ("praise", 0.79),
    ("special_service", 0.87),
    ("feedback", 1.0),
)
PREFIX = {
    "repair": "BX",
    "complaint": "TS",
    "suggestion": "JY",
    "consultation": "ZX",
    "praise": "BY",
    "special_service": "TY",
    "feedback": "FK",
}
CHANNEL_CDF = (
    ("phone", 0.55),
    ("visit", 0.80),
    ("portal", 0.90),
    ("email", 0.92),
    ("letter", 0.93),
    ("suggestion_box", 0.95),
    ("staff", 0.98),
    ("superior", 1.0),
)


def case_cdf(var: str, cdf) -> str:
    whens = " ".join(f"WHEN {var} < {p} THEN '{value}'" for value, p in cdf[:-1])
    return f"(CASE {whens} ELSE '{cdf[-1][0]}' END)"


def sql_array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def title_expr(kind_col: str, r: str) -> str:
    whens = " ".join(
        f"WHEN '{kind}' THEN ({sql_array(titles)})[1 + floor({r} * {len(titles)})::int]"
        for kind, titles in TITLES.items()
    )
    return f"(CASE {kind_col} {whens} END)"


class Timer:
    def __init__(self):
        self.started = time.monotonic()
        self.steps: list[tuple[str, float]] = []

    def step(self, name: str):
        timer = self

        class _Step:
            def __enter__(self):
                self.t = time.monotonic()
                print(f"-> {name} …", flush=True)

            def __exit__(self, *exc):
                elapsed = time.monotonic() - self.t
                timer.steps.append((name, elapsed))
                print(f"   {name}: {elapsed:.1f} s", flush=True)

        return _Step()


def recreate_database(db: str) -> None:
    with pg_connect("postgres") as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (db,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')


def required_columns_check(conn, table: str, provided: set[str]) -> None:
    """Fail clearly if the schema grew a NOT NULL column without a default that this loader does not fill."""
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' "
        "AND column_default IS NULL AND is_identity = 'NO'",
        (table,),
    ).fetchall()
    missing = sorted({r[0] for r in rows} - provided)
    if missing:
        raise SystemExit(f"{table}: the schema has NOT NULL columns this loader does not fill: {missing}")


def drop_secondary_indexes(conn) -> list[tuple[str, str]]:
    saved = []
    for table in BULK_TABLES:
        rows = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            (table, table),
        ).fetchall()
        for name, definition in rows:
            conn.execute(f'DROP INDEX "{name}"')
            saved.append((name, definition))
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="propdesk_bench", help="database to (re)create (default propdesk_bench)")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument(
        "--running-targets", type=int, default=None, help="running SlaTarget rows (default: as many as tickets)"
    )
    parser.add_argument("--interaction-fraction", type=float, default=0.3, help="tickets with an Interaction row")
    parser.add_argument(
        "--extra-interactions", type=int, default=None, help="contacts without a ticket (default: tickets / 5)"
    )
    parser.add_argument(
        "--no-events",
        action="store_true",
        help="skip the TicketEvent history (the lists and the lookup do not read it; saves a quarter of the time)",
    )
    parser.add_argument("--seed", type=float, default=0.20261122, help="PostgreSQL setseed() value (-1 … 1)")
    parser.add_argument("--timeout", type=int, default=3600, help="give up after this many seconds")
    args = parser.parse_args()
    # The defaults keep the proportions of the 1M database (1M running rows, 200,000 contacts without a ticket).
    if args.running_targets is None:
        args.running_targets = args.tickets
    if args.extra_interactions is None:
        args.extra_interactions = args.tickets // 5
    db = check_db_name(args.db)
    env = prod_env(db)
    timer = Timer()

    with timer.step("drop and create database"):
        recreate_database(db)
    with timer.step("migrate"):
        run([str(PYTHON), str(MANAGE), "migrate", "--noinput", "-v0"], env, timeout=args.timeout)
    with timer.step(f"load_demo --households {args.households}"):
        out = run(
            [str(PYTHON), str(MANAGE), "load_demo", "--households", str(args.households)], env, timeout=args.timeout
        )
        print("   " + out.stdout.splitlines()[0])

    conn = pg_connect(db, autocommit=True)
    conn.execute(f"SET statement_timeout = '{args.timeout}s'")
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET work_mem = '256MB'")
    conn.execute("SET temp_buffers = '1GB'")
    conn.execute("SET synchronous_commit = off")
    # Deterministic random(): one process, no parallel workers with their own seeds.
    conn.execute("SET max_parallel_workers_per_gather = 0")
    # FK triggers off for the bulk insert (checked with anti-joins at the end).
    conn.execute("SET session_replication_role = replica")
    conn.execute("SELECT setseed(%s)", (args.seed,))
    t0 = conn.execute("SELECT now()").fetchone()[0]

    ticket_cols = (
        "id number kind status priority location contact_name contact_phone title content channel source source_detail "
        "received_at entered_at handed_off_at resolved_at closed_at reopen_count version updated_at assignee_id "
        "community_id first_responder_id household_id received_by_id resident_id service_center_id team_id unit_id"
    )
    for table, cols in (
        ("tickets_ticket", ticket_cols),
        ("tickets_ticketevent", "id at kind from_status to_status reason data actor_id on_behalf_of_id ticket_id"),
        (
            "intake_interaction",
            "id caller_name caller_phone channel source source_detail kind content outcome outcome_note received_at "
            "entered_at community_id household_id received_by_id resident_id service_center_id ticket_id unit_id",
        ),
        (
            "sla_slatarget",
            "id kind state started_at due_at warn_at pauses stopped_at breached_at breach_recorded_at "
            "escalation_level next_check_at created_at department_id owner_id policy_id service_center_id ticket_id",
        ),
    ):
        required_columns_check(conn, table, set(cols.split()))

    with timer.step("drop secondary indexes of the bulk tables"):
        saved_indexes = drop_secondary_indexes(conn)
        print(f"   {len(saved_indexes)} indexes to recreate")

    with timer.step("staging: households and staff"):
        conn.execute("""
            CREATE TEMP TABLE hh AS
            SELECT row_number() OVER (ORDER BY h.id) AS rn, h.id AS household_id, h.unit_id, b.community_id,
                   c.service_center_id, r.id AS resident_id, r.name AS resident_name, r.phone AS resident_phone
            FROM communities_household h
            JOIN communities_unit u ON u.id = h.unit_id
            JOIN communities_building b ON b.id = u.building_id
            JOIN communities_community c ON c.id = b.community_id
            LEFT JOIN LATERAL (
                SELECT id, name, phone FROM communities_resident
                WHERE household_id = h.id AND relation = 'owner' ORDER BY id LIMIT 1
            ) r ON true
            WHERE h.is_active""")
        conn.execute("CREATE UNIQUE INDEX ON hh (rn)")
        conn.execute("ANALYZE hh")
        # Per service center: who receives (desk), who repairs, who cleans, who follows up, the control center.
        conn.execute("""
            CREATE TEMP TABLE cfg AS
            WITH s AS (
                SELECT m.service_center_id AS center, m.role, m.user_id, p.department_id
                FROM org_rolemembership m JOIN org_staffprofile p ON p.user_id = m.user_id
                WHERE m.is_active AND m.service_center_id IS NOT NULL
            )
            SELECT c.id AS center,
              (SELECT array_agg(user_id ORDER BY user_id) FROM s WHERE center = c.id
                 AND role IN ('receptionist', 'cs_assistant', 'control_operator')) AS desk,
              (SELECT array_agg(user_id ORDER BY user_id) FROM s WHERE center = c.id AND role = 'technician') AS tech,
              (SELECT array_agg(user_id ORDER BY user_id) FROM s WHERE center = c.id AND role = 'housekeeper') AS hk,
              (SELECT array_agg(user_id ORDER BY user_id) FROM s WHERE center = c.id
                 AND role IN ('cs_assistant', 'cs_supervisor')) AS cs,
              (SELECT min(user_id) FROM s WHERE center = c.id AND role = 'control_operator') AS control_user,
              (SELECT id FROM org_department WHERE service_center_id = c.id AND kind = 'control_center') AS control_dept
            FROM org_servicecenter c""")
        conn.execute(
            "CREATE TEMP TABLE dept AS SELECT user_id, department_id FROM org_staffprofile WHERE department_id IS NOT NULL"
        )
        n_hh = conn.execute("SELECT count(*) FROM hh").fetchone()[0]
        bad = conn.execute(
            "SELECT count(*) FROM cfg WHERE desk IS NULL OR tech IS NULL OR hk IS NULL OR cs IS NULL "
            "OR control_dept IS NULL"
        ).fetchone()[0]
        if bad:
            raise SystemExit("demo data lacks staff of some role in a service center")

    kind = case_cdf("r_k", KIND_CDF)
    channel = case_cdf("r_c", CHANNEL_CDF)
    prefix = "(CASE kind " + " ".join(f"WHEN '{k}' THEN '{p}'" for k, p in PREFIX.items()) + " END)"
    with timer.step(f"staging: {args.tickets:,} tickets"):
        conn.execute(
            f"""
            CREATE TEMP TABLE st AS
            WITH g AS (
                SELECT g, random() AS r_h, random() AS r_k, random() AS r_d, random() AS r_t, random() AS r_s,
                       random() AS r_s2, random() AS r_c, random() AS r_src, random() AS r_p, random() AS r_u,
                       random() AS r_title, random() AS r_a, random() AS r_e, random() AS r_x, random() AS r_y
                FROM generate_series(1, %(n)s) g
            ), a AS (
                SELECT g.*, hh.*, {kind} AS kind, {channel} AS channel, floor(r_d * 365)::int AS age,
                       ((%(t0)s::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - floor(r_d * 365)::int
                         + interval '7 hours 30 minutes' + r_t * interval '14 hours')
                         AT TIME ZONE 'Asia/Shanghai' AS local_recv
                FROM g JOIN hh ON hh.rn = 1 + floor(g.r_h * %(n_hh)s)::int
            ), b AS (
                SELECT a.*,
                  CASE WHEN local_recv > %(t0)s::timestamptz - interval '1 minute'
                       THEN %(t0)s::timestamptz - interval '1 minute' - r_t * interval '6 hours'
                       ELSE local_recv END AS received_at,
                  -- Entered into the system a little later; 3 %% back-filled hours later (paper records, R-IN-6).
                  CASE WHEN r_e < 0.03 THEN interval '3 hours' + r_e * interval '100 hours'
                       ELSE interval '30 seconds' + r_e * interval '100 minutes' END AS entry_delay,
                  r_s < (CASE WHEN age <= 7 THEN 0.8 WHEN age <= 30 THEN 0.5 WHEN age <= 90 THEN 0.25 ELSE 0.12 END)
                    AS is_open
                FROM a
            ), c AS (
                SELECT b.*, LEAST(b.received_at + b.entry_delay, %(t0)s::timestamptz) AS entered_at,
                  CASE WHEN is_open THEN
                      CASE WHEN r_s2 < 0.25 THEN 'new' WHEN r_s2 < 0.80 THEN 'in_progress'
                           WHEN r_s2 < 0.90 THEN 'waiting_customer' ELSE 'waiting_vendor' END
                  ELSE CASE WHEN r_s2 < 0.85 THEN 'closed' WHEN r_s2 < 0.97 THEN 'resolved' ELSE 'cancelled' END
                  END AS status,
                  CASE WHEN r_src < 0.92 THEN 'customer' WHEN r_src < 0.97 THEN 'superior' ELSE 'self_collected' END
                    AS source,
                  CASE WHEN r_p < 0.05 THEN 'urgent' ELSE 'normal' END AS priority,
                  cfg.desk[1 + floor(r_a * array_length(cfg.desk, 1))::int] AS received_by,
                  cfg.tech[1 + floor(r_a * array_length(cfg.tech, 1))::int] AS tech,
                  cfg.hk[1 + floor(r_a * array_length(cfg.hk, 1))::int] AS hk,
                  cfg.cs[1 + floor(r_a * array_length(cfg.cs, 1))::int] AS cs,
                  cfg.control_user, cfg.control_dept
                FROM b JOIN cfg ON cfg.center = b.service_center_id
            )
            SELECT c.g, c.household_id, c.unit_id, c.community_id, c.service_center_id,
                   CASE WHEN r_u < 0.85 THEN c.resident_id END AS resident_id,
                   c.resident_name AS contact_name, c.resident_phone AS contact_phone,
                   c.kind, c.channel, c.source, c.priority, c.status, c.received_at,
                   c.entered_at,
                   {title_expr("c.kind", "r_title")} AS title,
                   c.received_by, c.control_user, c.control_dept,
                   -- Hand-off to the control center: half the new tickets, every repair/special service that moved on.
                   CASE WHEN (c.status = 'new' AND r_x < 0.5)
                          OR (c.status NOT IN ('new', 'cancelled') AND c.kind IN ('repair', 'special_service'))
                        THEN LEAST(c.entered_at + interval '1 minute', %(t0)s::timestamptz) END AS handed_off_at,
                   CASE WHEN c.status = 'new' AND r_x < 0.5 THEN NULL
                        WHEN c.status IN ('new', 'cancelled') THEN c.received_by
                        WHEN c.kind = 'repair' THEN c.tech
                        WHEN c.kind = 'special_service' THEN c.hk
                        ELSE c.cs END AS assignee_id,
                   CASE WHEN c.status <> 'new' AND c.status <> 'cancelled'
                        THEN c.entered_at + interval '10 minutes' + r_y * interval '3 hours' END AS started_at,
                   CASE WHEN c.status IN ('resolved', 'closed')
                        THEN c.entered_at + interval '1 hour' + interval '10 minutes' + r_y * interval '3 days 3 hours'
                   END AS resolved_at,
                   CASE WHEN c.status = 'closed' THEN interval '2 hours' + r_e * interval '5 days'
                        WHEN c.status = 'cancelled' THEN interval '20 minutes' + r_e * interval '5 hours' END
                     AS close_delay,
                   {prefix} AS prefix,
                   (c.received_at AT TIME ZONE 'Asia/Shanghai')::date AS local_day
            FROM c""",
            {"n": args.tickets, "n_hh": n_hh, "t0": t0},
        )
        conn.execute("""
            CREATE TEMP TABLE tk AS
            SELECT (SELECT coalesce(max(id), 0) FROM tickets_ticket)
                     + row_number() OVER (ORDER BY received_at, g) AS id,
                   -- Continue after numbers already issued (load_demo records a few tickets of today).
                   coalesce((SELECT c.last FROM tickets_ticketcounter c WHERE c.service_center_id = st.service_center_id
                             AND c.prefix = st.prefix AND c.day = st.local_day), 0)
                     + row_number() OVER (PARTITION BY service_center_id, prefix, local_day ORDER BY received_at, g)
                     AS seq,
                   st.*,
                   CASE WHEN handed_off_at IS NOT NULL AND assignee_id IS NULL THEN control_dept END AS hand_team,
                   CASE WHEN status = 'closed' THEN resolved_at + close_delay
                        WHEN status = 'cancelled' THEN entered_at + close_delay END AS closed_at_raw
            FROM st""")
        conn.execute("DROP TABLE st")
        conn.execute(
            """
            CREATE TEMP TABLE t AS
            SELECT tk.*,
                   COALESCE(tk.hand_team, d.department_id) AS team_id,
                   -- (LEAST ignores NULLs, hence the CASEs.)
                   CASE WHEN tk.closed_at_raw IS NOT NULL THEN LEAST(tk.closed_at_raw, %(t0)s::timestamptz) END
                     AS closed_at,
                   CASE WHEN tk.resolved_at IS NOT NULL THEN LEAST(tk.resolved_at, %(t0)s::timestamptz) END
                     AS resolved_at_c,
                   CASE WHEN tk.started_at IS NOT NULL THEN LEAST(tk.started_at, %(t0)s::timestamptz) END
                     AS started_at_c
            FROM tk LEFT JOIN dept d ON d.user_id = tk.assignee_id""",
            {"t0": t0},
        )
        conn.execute("DROP TABLE tk")
        conn.execute("CREATE UNIQUE INDEX ON t (id)")
        conn.execute("ANALYZE t")
        worst = conn.execute("SELECT max(seq) FROM t").fetchone()[0]
        if worst > 9999:
            raise SystemExit(f"more than 9999 tickets of one kind per center and day ({worst}): fewer tickets")

    with timer.step(f"insert {args.tickets:,} tickets"):
        # version = 1 + the events after "created" (hand-off, assignment, status changes).
        conn.execute("""
            INSERT INTO tickets_ticket (id, number, kind, status, priority, location, contact_name, contact_phone, title,
                content, channel, source, source_detail, received_at, entered_at, handed_off_at, resolved_at,
                closed_at, reopen_count, version, updated_at, assignee_id, community_id, first_responder_id,
                household_id, received_by_id, resident_id, service_center_id, team_id, unit_id)
            SELECT id, prefix || '-' || to_char(local_day, 'YYYYMMDD') || '-' || lpad(seq::text, 4, '0'),
                kind, status, priority, '', coalesce(contact_name, ''), coalesce(contact_phone, ''), title,
                title || '。住户来电反映，请尽快处理。', channel, source,
                CASE source WHEN 'superior' THEN '集团客服中心' WHEN 'self_collected' THEN '巡查发现' ELSE '' END,
                received_at, entered_at, handed_off_at, resolved_at_c, closed_at, 0,
                1 + (handed_off_at IS NOT NULL)::int
                  + (status NOT IN ('new', 'cancelled') AND assignee_id IS NOT NULL)::int
                  + (CASE status WHEN 'in_progress' THEN 1 WHEN 'waiting_customer' THEN 2
                       WHEN 'waiting_vendor' THEN 2 WHEN 'resolved' THEN 2 WHEN 'closed' THEN 3
                       WHEN 'cancelled' THEN 1 ELSE 0 END),
                GREATEST(entered_at, coalesce(closed_at, resolved_at_c, started_at_c, handed_off_at, received_at)),
                assignee_id, community_id, received_by, household_id, received_by, resident_id,
                service_center_id, team_id, unit_id
            FROM t ORDER BY id""")
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT max(id) FROM tickets_ticket))"
        )
        conn.execute("""
            INSERT INTO tickets_ticketcounter (service_center_id, prefix, day, last)
            SELECT service_center_id, prefix, local_day, max(seq) FROM t GROUP BY 1, 2, 3
            ON CONFLICT (service_center_id, prefix, day) DO UPDATE SET last = EXCLUDED.last""")

    iso = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
    with timer.step("insert ticket events" + (" (skipped: --no-events)" if args.no_events else "")):
        if not args.no_events:
            conn.execute(
                f"""
                INSERT INTO tickets_ticketevent (at, kind, from_status, to_status, reason, data, actor_id,
                    on_behalf_of_id, ticket_id)
                SELECT at, kind, from_status, to_status, reason, data, actor_id, NULL, ticket_id FROM (
                    SELECT 1 AS o, id AS ticket_id, entered_at AS at, 'created' AS kind, '' AS from_status,
                           'new' AS to_status, '' AS reason, received_by AS actor_id,
                           jsonb_build_object('channel', channel, 'received_at', {iso.format("received_at")},
                                              'backfilled', entered_at - received_at > interval '10 minutes') AS data
                    FROM t
                    UNION ALL
                    SELECT 2, id, handed_off_at, 'handed_off', '', '', '', received_by,
                           jsonb_build_object('from_assignee', received_by, 'to_team', control_dept)
                    FROM t WHERE handed_off_at IS NOT NULL
                    UNION ALL
                    SELECT 3, id, LEAST(coalesce(handed_off_at, entered_at) + interval '5 minutes', %(t0)s::timestamptz),
                           'assigned', '', '', '',
                           coalesce(control_user, received_by),
                           jsonb_build_object('from_assignee', NULL, 'to_assignee', assignee_id)
                    FROM t WHERE status NOT IN ('new', 'cancelled') AND assignee_id IS NOT NULL
                    UNION ALL
                    SELECT 4, id, started_at_c, 'status_changed', 'new', 'in_progress', '', assignee_id, '{{}}'::jsonb
                    FROM t WHERE status NOT IN ('new', 'cancelled')
                    UNION ALL
                    SELECT 5, id, started_at_c + interval '20 minutes', 'status_changed', 'in_progress', status,
                           CASE status WHEN 'waiting_customer' THEN '等待业主确认上门时间' ELSE '等待厂家配件' END,
                           assignee_id, '{{}}'::jsonb
                    FROM t WHERE status IN ('waiting_customer', 'waiting_vendor')
                    UNION ALL
                    SELECT 6, id, resolved_at_c, 'status_changed', 'in_progress', 'resolved', '', assignee_id, '{{}}'::jsonb
                    FROM t WHERE status IN ('resolved', 'closed')
                    UNION ALL
                    SELECT 7, id, closed_at, 'status_changed', 'resolved', 'closed', '', received_by, '{{}}'::jsonb
                    FROM t WHERE status = 'closed'
                    UNION ALL
                    SELECT 8, id, closed_at, 'status_changed', 'new', 'cancelled', '业主已自行处理，撤销', received_by,
                           '{{}}'::jsonb
                    FROM t WHERE status = 'cancelled'
                ) e ORDER BY ticket_id, o""",
                {"t0": t0},
            )

    with timer.step("insert interactions"):
        conn.execute(
            """
            INSERT INTO intake_interaction (caller_name, caller_phone, channel, source, source_detail, kind, content,
                outcome, outcome_note, received_at, entered_at, community_id, household_id, received_by_id,
                resident_id, service_center_id, ticket_id, unit_id)
            SELECT coalesce(contact_name, ''), coalesce(contact_phone, ''), channel, source, '', kind,
                   title || '。住户来电反映，请尽快处理。', 'ticket', '', received_at, entered_at, community_id,
                   household_id, received_by, resident_id, service_center_id, id, unit_id
            FROM t WHERE random() < %(f)s ORDER BY received_at""",
            {"f": args.interaction_fraction},
        )
        conn.execute(
            f"""
            INSERT INTO intake_interaction (caller_name, caller_phone, channel, source, source_detail, kind, content,
                outcome, outcome_note, received_at, entered_at, community_id, household_id, received_by_id,
                resident_id, service_center_id, ticket_id, unit_id)
            SELECT coalesce(resident_name, ''), coalesce(resident_phone, ''), channel, 'customer', '', kind,
                   {title_expr("kind", "r_t")}, outcome,
                   CASE outcome WHEN 'answered' THEN '已当场答复' ELSE '' END,
                   received_at, received_at + interval '2 minutes', community_id, household_id,
                   cfg.desk[1 + floor(r_a * array_length(cfg.desk, 1))::int], resident_id, service_center_id, NULL,
                   unit_id
            FROM (
                SELECT hh.*, r_t, r_a,
                       CASE WHEN r_k < 0.6 THEN 'consultation' WHEN r_k < 0.8 THEN 'suggestion' ELSE 'praise' END
                         AS kind,
                       CASE WHEN r_c < 0.7 THEN 'phone' ELSE 'visit' END AS channel,
                       CASE WHEN r_o < 0.7 THEN 'answered' WHEN r_o < 0.9 THEN 'recorded' ELSE 'transferred' END
                         AS outcome,
                       %(t0)s::timestamptz - interval '1 minute' - r_d * interval '365 days' AS received_at
                FROM (SELECT random() r_h, random() r_k, random() r_c, random() r_o, random() r_d, random() r_t,
                             random() r_a
                      FROM generate_series(1, %(n)s)) g
                JOIN hh ON hh.rn = 1 + floor(g.r_h * %(n_hh)s)::int
            ) x JOIN cfg ON cfg.center = x.service_center_id
            ORDER BY received_at""",
            {"n": args.extra_interactions, "n_hh": n_hh, "t0": t0},
        )

    with timer.step(f"insert {args.running_targets:,} running SLA targets"):
        policies = dict(conn.execute("SELECT code, id FROM sla_slapolicy WHERE service_center_id IS NULL").fetchall())
        durations = dict(
            conn.execute(
                "SELECT code, coalesce(duration_minutes, 660) FROM sla_slapolicy WHERE service_center_id IS NULL"
            ).fetchall()
        )
        order = [c for c in POLICY_ORDER if c in policies] + sorted(set(policies) - set(POLICY_ORDER))
        n_open = conn.execute(
            "SELECT count(*) FROM t WHERE status IN ('new', 'in_progress', 'waiting_customer', 'waiting_vendor')"
        ).fetchone()[0]
        base, extra = divmod(args.running_targets, n_open)
        if base + (1 if extra else 0) > len(order) or base < 1:
            raise SystemExit(
                f"{n_open:,} open tickets × {len(order)} policies cannot hold {args.running_targets:,} running rows "
                "with one open row per (ticket, policy): change --tickets or --running-targets"
            )
        print(f"   {n_open:,} open tickets; {base} or {base + 1} running targets each")
        praise_start = order.index("major_progress") if "major_progress" in order else 0
        conn.execute(
            f"""
            INSERT INTO sla_slatarget (kind, state, started_at, due_at, warn_at, pauses, stopped_at, breached_at,
                breach_recorded_at, escalation_level, next_check_at, created_at, department_id, owner_id, policy_id,
                service_center_id, ticket_id)
            SELECT kind, 'running', received_at, due_at, warn_at, '[]'::jsonb, NULL, NULL, NULL, 0, warn_at,
                   received_at, team_id, assignee_id, policy_id, service_center_id, ticket_id
            FROM (
                SELECT x.*, due_at - (1 - 0.8) * make_interval(mins => dur) AS warn_at FROM (
                    SELECT o.kind, o.received_at, o.team_id, o.assignee_id, o.service_center_id, o.id AS ticket_id,
                           (%(ids)s::bigint[])[1 + (o.start + j) %% %(np)s] AS policy_id,
                           (%(durs)s::int[])[1 + (o.start + j) %% %(np)s] AS dur,
                           %(t0)s::timestamptz + interval '2 days' + random() * interval '28 days' AS due_at
                    FROM (
                        SELECT t.*, row_number() OVER (ORDER BY id) AS orn,
                               CASE WHEN kind = 'praise' THEN {praise_start} ELSE 0 END AS start
                        FROM t WHERE status IN ('new', 'in_progress', 'waiting_customer', 'waiting_vendor')
                    ) o
                    CROSS JOIN LATERAL generate_series(0, %(base)s - 1 + (o.orn <= %(extra)s)::int) j
                ) x
            ) y ORDER BY ticket_id, policy_id""",
            {
                "ids": [policies[c] for c in order],
                "durs": [durations[c] for c in order],
                "np": len(order),
                "t0": t0,
                "base": base,
                "extra": extra,
            },
        )

    with timer.step(f"recreate {len(saved_indexes)} secondary indexes"):
        conn.execute("SET max_parallel_maintenance_workers = 2")
        for _name, definition in saved_indexes:
            conn.execute(definition)
    conn.execute("SET session_replication_role = DEFAULT")

    with timer.step("verify foreign keys (anti-joins)"):
        checks = {
            "ticket→household": "SELECT count(*) FROM tickets_ticket t LEFT JOIN communities_household h "
            "ON h.id = t.household_id WHERE t.household_id IS NOT NULL AND h.id IS NULL",
            "ticket→user": "SELECT count(*) FROM tickets_ticket t LEFT JOIN auth_user u ON u.id = t.received_by_id "
            "WHERE u.id IS NULL",
            "event→ticket": "SELECT count(*) FROM tickets_ticketevent e LEFT JOIN tickets_ticket t "
            "ON t.id = e.ticket_id WHERE t.id IS NULL",
            "interaction→ticket": "SELECT count(*) FROM intake_interaction i LEFT JOIN tickets_ticket t "
            "ON t.id = i.ticket_id WHERE i.ticket_id IS NOT NULL AND t.id IS NULL",
            "target→ticket": "SELECT count(*) FROM sla_slatarget s LEFT JOIN tickets_ticket t ON t.id = s.ticket_id "
            "WHERE t.id IS NULL",
            "target→department": "SELECT count(*) FROM sla_slatarget s LEFT JOIN org_department d "
            "ON d.id = s.department_id WHERE s.department_id IS NOT NULL AND d.id IS NULL",
        }
        for name, sql in checks.items():
            bad = conn.execute(sql).fetchone()[0]
            if bad:
                raise SystemExit(f"foreign key check {name} failed: {bad} rows")

    with timer.step("VACUUM ANALYZE"):
        conn.execute("VACUUM ANALYZE")

    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in (
            "communities_household",
            "communities_resident",
            "tickets_ticket",
            "tickets_ticketevent",
            "intake_interaction",
            "sla_slatarget",
        )
    }
    by_status = conn.execute("SELECT status, count(*) FROM tickets_ticket GROUP BY 1 ORDER BY 2 DESC").fetchall()
    running = conn.execute(
        "SELECT count(*) FROM sla_slatarget WHERE state = 'running' AND next_check_at IS NOT NULL"
    ).fetchone()[0]
    size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    conn.close()

    total = time.monotonic() - timer.started
    print("\nrow counts:")
    for table, n in counts.items():
        print(f"  {table:<24} {n:>12,}")
    print("  tickets by status: " + ", ".join(f"{s} {n:,}" for s, n in by_status))
    print(f"  running deadline rows (next_check_at set): {running:,}")
    print(f"  database size: {size}")
    print("\ntimings:")
    for name, elapsed in timer.steps:
        print(f"  {name:<50} {elapsed:8.1f} s")
    print(f"  {'total':<50} {total:8.1f} s")


if __name__ == "__main__":
    main()
