# ruff: noqa: S608  (the SQL is built from fixed table names and the TIME_ZONE setting, never from input)
"""The rollups built in one pass with SQL (PostgreSQL): the same rows the worker's ``rollup_tickets`` writes,
for a database loaded in bulk (a restore, the benchmark) where counting ticket by ticket would take hours.

``rebuild_in_bulk()`` replaces ``TicketDay``, ``TicketFacetMonth``, ``RolledTicket`` and the rollup state;
the worker then continues from the ticket history's last event. A test compares it with the worker's result.
"""

from django.conf import settings
from django.db import connection, transaction

from .rollup import NAME


def _local(column: str) -> str:
    return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')"


OPEN = "('new', 'in_progress', 'waiting_customer', 'waiting_vendor')"  # tickets.choices.OPEN_STATUSES

TICKET_DAY_SQL = f"""
INSERT INTO reports_ticketday (day, service_center_id, community_id, kind, received, closed, open)
SELECT day, service_center_id, community_id, kind, sum(r), sum(c), sum(o) FROM (
    SELECT {_local("received_at")}::date AS day, service_center_id, community_id, kind, 1 AS r, 0 AS c,
           (status IN {OPEN})::int AS o
    FROM tickets_ticket
    UNION ALL
    SELECT {_local("closed_at")}::date, service_center_id, community_id, kind, 0, 1, 0
    FROM tickets_ticket WHERE closed_at IS NOT NULL
) x GROUP BY 1, 2, 3, 4"""


# One row per (ticket, facet, value) with its count, as services.facets.facets_of gives them.
PER_TICKET_SQL = f"""
WITH wo AS (
    SELECT DISTINCT ON (ticket_id) ticket_id, trade FROM dispatch_workorder ORDER BY ticket_id, id
), visit AS (
    SELECT DISTINCT ON (w.ticket_id) w.ticket_id, rv.reached, rv.quality
    FROM dispatch_returnvisit rv JOIN dispatch_workorder w ON w.id = rv.work_order_id
    ORDER BY w.ticket_id, rv.at DESC, rv.id DESC
)
SELECT t.id AS ticket_id, date_trunc('month', {_local("t.received_at")})::date AS month,
       t.service_center_id, t.community_id, t.kind, f.facet, f.value, f.n
FROM tickets_ticket t
LEFT JOIN communities_unit u ON u.id = t.unit_id
LEFT JOIN complaints_complaint c ON c.ticket_id = t.id
LEFT JOIN wo ON wo.ticket_id = t.id
LEFT JOIN visit v ON v.ticket_id = t.id
CROSS JOIN LATERAL (VALUES
    ('class', coalesce(c.responsibility_class::text, ''), (c.id IS NOT NULL)::int),
    ('validity', c.validity, (c.id IS NOT NULL)::int),
    ('category', CASE WHEN c.id IS NOT NULL THEN c.category ELSE coalesce(wo.trade, '') END,
        (c.id IS NOT NULL OR t.kind = 'repair')::int),
    ('opinion', CASE WHEN c.customer_satisfied THEN 'satisfied' ELSE 'unsatisfied' END,
        (c.customer_satisfied IS NOT NULL)::int),
    ('building', coalesce(coalesce(u.building_id, c.building_id)::text, ''), 1),
    ('team', coalesce(t.team_id::text, ''), 1),
    ('person', coalesce(t.assignee_id::text, ''), 1),
    ('visit', CASE WHEN NOT v.reached THEN 'unreached' WHEN v.quality IS NULL THEN 'reached'
                   WHEN v.quality >= 4 THEN 'satisfied' ELSE 'unsatisfied' END, (v.reached IS NOT NULL)::int)
) AS f(facet, value, n)
WHERE f.n > 0
UNION ALL
SELECT t.id, date_trunc('month', {_local("t.received_at")})::date, t.service_center_id, t.community_id, t.kind,
       'sla', s.state, 1
FROM sla_slatarget s JOIN tickets_ticket t ON t.id = s.ticket_id
WHERE s.state IN ('met', 'breached')"""

FACETS_SQL = f"""
INSERT INTO reports_ticketfacetmonth (month, service_center_id, community_id, kind, facet, value, n)
SELECT month, service_center_id, community_id, kind, facet, value, sum(n)
FROM ({PER_TICKET_SQL}) x GROUP BY 1, 2, 3, 4, 5, 6"""

SNAPSHOTS_SQL = f"""
INSERT INTO reports_rolledticket
    (ticket_id, service_center_id, community_id, kind, received_day, closed_day, facets, is_open)
SELECT t.id, t.service_center_id, t.community_id, t.kind, {_local("t.received_at")}::date,
       {_local("t.closed_at")}::date, coalesce(f.facets, '[]'::jsonb), t.status IN {OPEN}
FROM tickets_ticket t LEFT JOIN (
    SELECT ticket_id, jsonb_agg(jsonb_build_array(facet, value, n) ORDER BY facet, value, n) AS facets
    FROM (SELECT ticket_id, facet, value, sum(n)::int AS n FROM ({PER_TICKET_SQL}) p GROUP BY 1, 2, 3) g
    GROUP BY ticket_id
) f ON f.ticket_id = t.id"""

STATE_SQL = f"""
INSERT INTO reports_rollupstate (name, marks, rolled_at)
VALUES ('{NAME}', jsonb_build_array((SELECT coalesce(max(id), 0) FROM tickets_ticketevent)), now())"""


@transaction.atomic
def rebuild_in_bulk() -> None:
    """Replace the rollups with the ones counted by SQL from the tickets as they are (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE reports_rollupstate IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM reports_rollupstate")
        for table in ("reports_ticketday", "reports_ticketfacetmonth", "reports_rolledticket"):
            cursor.execute(f"DELETE FROM {table}")
        for sql in (TICKET_DAY_SQL, FACETS_SQL, SNAPSHOTS_SQL, STATE_SQL):
            cursor.execute(sql)
