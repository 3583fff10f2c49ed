"""Database helpers that are not about one app's rows."""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def joins_in_written_order():
    """Let PostgreSQL keep the joins of the queries run inside in the order the ORM wrote them.

    A list page that reads its rows with their related rows (``select_related``: nine relations for the ticket
    list) is planned by trying the orders of its joins; at 1M tickets that planning took 75 ms of an 80 ms
    request, the execution 1–4 ms (bench/list_count_experiment.py). The ORM writes the base table first and its
    foreign keys after it, the order a page of rows wants anyway. ``join_collapse_limit = 1`` is set for the
    enclosing transaction only (``SET LOCAL``, reset on the way out when a transaction was already open);
    other databases are left alone.
    """
    if connection.vendor != "postgresql":
        yield
        return
    outer = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")
        yield
        if outer:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL join_collapse_limit TO DEFAULT")
