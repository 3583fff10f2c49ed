"""``joins_in_written_order``: the planner setting holds inside the block and nowhere else."""

import pytest
from django.db import connection, transaction

from propdesk.core.db import joins_in_written_order

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")


def _limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_setting_ends_with_the_block():
    default = _limit()
    with joins_in_written_order():
        assert _limit() == "1"
    assert _limit() == default


@pytest.mark.django_db
def test_inside_a_transaction_the_setting_is_put_back():
    default = _limit()
    with transaction.atomic():
        with joins_in_written_order():
            assert _limit() == "1"
        assert _limit() == default


@pytest.mark.django_db
def test_an_error_inside_leaves_the_setting_as_it_was():
    default = _limit()
    with pytest.raises(ValueError), transaction.atomic(), joins_in_written_order():
        raise ValueError
    assert _limit() == default
