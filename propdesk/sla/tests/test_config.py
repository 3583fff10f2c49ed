"""The SLA configuration kept by the process (``sla.config``): the active policies and the working-day rules are
read once per configuration generation, the generation once per transaction; any change of a policy, a business
calendar or a calendar day, in this process or another, is in force on the next use, and a rolled-back change
leaves nothing behind."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import transaction

from propdesk.core.services import master_data_save
from propdesk.sla import config
from propdesk.sla.ladder import policies_for
from propdesk.sla.models import BusinessCalendar, CalendarDay, ConfigGeneration, SlaPolicy
from propdesk.sla.rules import day_rules
from propdesk.testing.clock import shanghai_time as t

pytestmark = pytest.mark.django_db

HOLIDAY = dt.date(2026, 11, 18)  # a Wednesday


@pytest.fixture
def clock_start():
    return t(2026, 11, 16, 9)


@pytest.fixture(autouse=True)
def keep_config(settings, clock):
    """Kept as in production (the test settings compute the configuration on every use); nothing kept before or
    after the test."""
    settings.PROPDESK_KEEP_SLA_CONFIG = True
    config.forget()
    yield
    config.forget()


def consultation(center_id=None):
    """What ``policies_for`` reads of a ticket."""
    return SimpleNamespace(service_center_id=center_id, kind="consultation", source="", priority="normal")


def first_response_minutes(ticket=None) -> int:
    (policy,) = [p for p in policies_for(ticket or consultation(), "ticket.created") if p.code == "first_response"]
    return policy.duration_minutes


def next_transaction() -> None:
    """The test runs in one transaction; a web request's transaction ends here (the held generation with it)."""
    config.forget_transaction()


def token() -> int:
    return ConfigGeneration.objects.get(pk=config.ROW_ID).token


# --- reads --------------------------------------------------------------------------------------------------------


def test_kept_configuration_costs_one_statement_per_transaction(django_assert_num_queries):
    # given a warm process
    policies_for(consultation(), "ticket.created")
    day_rules()
    next_transaction()
    # when a transaction uses policies and rules several times
    with django_assert_num_queries(1):  # the generation, once
        policies_for(consultation(), "ticket.created")
        day_rules()
        policies_for(consultation(), "ticket.resolved")
        day_rules()
    # then the rest of the transaction reads nothing
    with django_assert_num_queries(0):
        policies_for(consultation(), "ticket.created")


def test_nothing_is_kept_when_the_setting_is_off(settings, django_assert_num_queries):
    settings.PROPDESK_KEEP_SLA_CONFIG = False
    with django_assert_num_queries(4):  # policies and calendar days, twice each
        policies_for(consultation(), "ticket.created")
        day_rules()
        policies_for(consultation(), "ticket.created")
        day_rules()


def test_each_call_gets_its_own_policy_objects():
    first = policies_for(consultation(), "ticket.created")
    first[0].duration_minutes = 1
    assert first_response_minutes() == 120


def test_a_center_policy_replaces_the_default_for_that_center_only(world):
    default = SlaPolicy.objects.get(code="first_response", service_center__isnull=True)
    own = SlaPolicy.objects.get(pk=default.pk)
    own.pk, own.service_center, own.duration_minutes = None, world.center_a, 30
    own.save()
    assert first_response_minutes(consultation(world.center_a.pk)) == 30
    assert first_response_minutes(consultation(world.center_b.pk)) == 120


# --- changes in this process ----------------------------------------------------------------------------------------


def test_a_policy_saved_is_in_force_at_once():
    # given the policies are kept
    assert first_response_minutes() == 120
    before = token()
    # when the policy is edited (as the admin does)
    policy = SlaPolicy.objects.get(code="first_response", service_center__isnull=True)
    policy.duration_minutes = 60
    master_data_save(actor=None, instance=policy)
    # then the next use sees it, and the generation was replaced for the other processes
    assert first_response_minutes() == 60
    assert token() != before


def test_a_policy_deactivated_or_deleted_is_gone_at_once():
    urgent = SimpleNamespace(service_center_id=None, kind="consultation", source="", priority="urgent")
    assert {"first_response", "major_progress"} <= {p.code for p in policies_for(urgent, "ticket.created")}
    SlaPolicy.objects.filter(code="first_response").delete()  # post_delete is sent per row
    major = SlaPolicy.objects.get(code="major_progress")
    major.is_active = False
    major.save()
    assert not {"first_response", "major_progress"} & {p.code for p in policies_for(urgent, "ticket.created")}


def test_a_business_calendar_edited_is_in_force_at_once():
    (policy,) = [p for p in policies_for(consultation(), "ticket.created") if p.code == "first_response"]
    assert policy.calendar.closes == dt.time(20)
    calendar = BusinessCalendar.objects.get(pk=policy.calendar_id)
    calendar.closes = dt.time(18)
    calendar.save()
    (policy,) = [p for p in policies_for(consultation(), "ticket.created") if p.code == "first_response"]
    assert policy.calendar.closes == dt.time(18)


def test_a_calendar_day_saved_or_deleted_is_in_force_at_once():
    assert day_rules().is_workday(HOLIDAY)
    day = CalendarDay.objects.create(date=HOLIDAY, is_workday=False, name="台风停工")
    assert not day_rules().is_workday(HOLIDAY)
    CalendarDay.objects.filter(pk=day.pk).delete()  # a queryset delete still sends post_delete per row
    assert day_rules().is_workday(HOLIDAY)


def test_a_write_without_signals_is_announced_with_config_changed():
    assert first_response_minutes() == 120
    SlaPolicy.objects.filter(code="first_response").update(duration_minutes=45)
    config.config_changed()
    assert first_response_minutes() == 45


def test_a_migrate_replaces_the_generation():
    day_rules()
    before = token()
    config.config_migrated(apps=apps, using="default")
    assert token() != before
    assert config._kept == {}


# --- changes in another process -----------------------------------------------------------------------------------


def test_a_change_made_by_another_process_is_in_force_in_the_next_transaction():
    # given this process keeps the policies
    assert first_response_minutes() == 120
    # when another process changes a policy and replaces the generation (simulated: no signal reaches this one)
    SlaPolicy.objects.filter(code="first_response").update(duration_minutes=90)
    ConfigGeneration.objects.filter(pk=config.ROW_ID).update(token=12345)
    # then this transaction goes on with what it read; the next one sees the change
    assert first_response_minutes() == 120
    next_transaction()
    assert first_response_minutes() == 90


# --- rollbacks ----------------------------------------------------------------------------------------------------


def test_a_rolled_back_change_does_not_poison_the_kept_configuration():
    # given the kept configuration
    assert first_response_minutes() == 120
    assert day_rules().is_workday(HOLIDAY)
    before = token()
    # when a change is used inside a transaction that is rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        policy = SlaPolicy.objects.get(code="first_response", service_center__isnull=True)
        policy.duration_minutes = 5
        policy.save()
        CalendarDay.objects.create(date=HOLIDAY, is_workday=False)
        assert first_response_minutes() == 5  # kept under the rolled-back generation
        assert not day_rules().is_workday(HOLIDAY)
        raise RuntimeError("rolled back")
    # then the generation is the committed one again and the configuration is read as committed
    assert token() == before
    assert first_response_minutes() == 120
    assert day_rules().is_workday(HOLIDAY)
    next_transaction()
    assert first_response_minutes() == 120
    assert day_rules().is_workday(HOLIDAY)


def test_a_missing_generation_row_keeps_nothing(django_assert_num_queries):
    # given the row is gone (a flushed test database before post_migrate)
    ConfigGeneration.objects.all().delete()
    next_transaction()
    # then every use reads the configuration, and the next change writes the row again
    with django_assert_num_queries(2):  # the generation, then the policies
        policies_for(consultation(), "ticket.created")
    config.config_changed()
    assert ConfigGeneration.objects.filter(pk=config.ROW_ID).exists()
