"""Every seeded policy (the sla app's own and those other apps add, such as the complaint timers) can be edited
in the admin: its start event is one the rule set knows, so validation does not refuse it."""

import pytest

from propdesk.sla.choices import Trigger
from propdesk.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db


def test_every_seeded_policy_passes_validation():
    policies = list(SlaPolicy.objects.all())
    assert any(p.start_event.startswith("complaint.") for p in policies)
    for policy in policies:
        policy.full_clean()


def test_every_start_and_stop_event_of_a_seeded_policy_is_a_known_trigger():
    known = set(Trigger.values)
    for policy in SlaPolicy.objects.all():
        assert policy.start_event in known, policy.code
        assert set(policy.stop_events) <= known, (policy.code, set(policy.stop_events) - known)
