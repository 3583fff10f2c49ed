"""The reply time agreed with the customer as its own deadline row (a fixed due time carried by the trigger),
rescheduling it, and reclassification stopping the clocks the old validity started (R-CP-3, R-CP-5)."""

import datetime as dt

import pytest

from propdesk.complaints import services
from propdesk.complaints.choices import ResponsibilityClass, Validity
from propdesk.complaints.tests.test_timers import clock_of, clocks, on18, on19, pks, reply, steps
from propdesk.sla.choices import TargetState
from propdesk.sla.services import sweep

ONE = ResponsibilityClass.OUR_SERVICE
MET, BREACHED, RUNNING = TargetState.MET, TargetState.BREACHED, TargetState.RUNNING
CODE = "complaint_agreed_reply"


@pytest.fixture
def at(record, clock):
    def make(moment, **kwargs):
        clock.move_to(moment)
        return record(**kwargs)

    return make


def test_the_agreed_reply_time_is_a_deadline_met_by_the_reply(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(11))
    complaint = services.complaint_agree_reply(actor=cast.reception, complaint=complaint, reply_at=on19(10))
    row = clock_of(complaint, CODE)
    # due exactly at the agreed moment, warned at 75 % of the time from agreeing it
    assert (row.state, row.started_at, row.due_at, row.warn_at) == (RUNNING, on18(11), on19(10), on19(4, 15))
    reply(cast, complaint, clock, on19(9, 30), content="按约定答复：已更换楼道灯")
    row.refresh_from_db()
    assert (row.state, row.stopped_at) == (MET, on19(9, 30))


def test_a_missed_agreed_reply_time_climbs_the_ladder(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(11))
    services.complaint_agree_reply(actor=cast.reception, complaint=complaint, reply_at=on18(15))
    row = clock_of(complaint, CODE)
    for moment in (row.warn_at, on18(15), on18(15, 30), on18(17)):
        clock.move_to(moment)
        sweep(now=moment)
    assert [(s[0], s[2], s[3]) for s in steps(row)] == [
        (1, row.warn_at, pks(cast.reception)),
        (2, on18(15), pks(cast.reception, cast.supervisor)),
        (3, on18(15, 30), pks(cast.manager)),
        (4, on18(17), pks(cast.quality)),
    ]
    row.refresh_from_db()
    assert row.state == BREACHED


def test_agreeing_again_stops_the_old_deadline_and_starts_a_new_one(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(11))
    complaint = services.complaint_agree_reply(actor=cast.reception, complaint=complaint, reply_at=on18(16))
    clock.move_to(on18(14))
    complaint = services.complaint_agree_reply(
        actor=cast.reception, complaint=complaint, reply_at=on19(11), note="业主要求改到明天上午"
    )
    old, new = clocks(complaint, CODE)
    assert (old.state, old.due_at, old.stopped_at) == (MET, on18(16), on18(14))
    assert (new.state, new.started_at, new.due_at) == (RUNNING, on18(14), on19(11))


def test_rescheduling_after_the_agreed_time_records_the_miss(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(11))
    complaint = services.complaint_agree_reply(actor=cast.reception, complaint=complaint, reply_at=on18(12))
    clock.move_to(on18(13))
    services.complaint_agree_reply(actor=cast.reception, complaint=complaint, reply_at=on18(18))
    old, new = clocks(complaint, CODE)
    assert (old.state, new.state, new.due_at) == (BREACHED, RUNNING, on18(18))


def test_reclassifying_stops_the_old_validity_clock_and_starts_the_new_one(at, cast, clock):
    complaint = at(on18(10))
    clock.move_to(on18(10, 30))
    complaint = services.complaint_classify(
        actor=cast.reception, complaint=complaint, responsibility_class=ONE, validity=Validity.INVALID
    )
    clock.move_to(on18(11))
    complaint = services.complaint_classify(
        actor=cast.supervisor,
        complaint=complaint,
        responsibility_class=ONE,
        validity=Validity.ASSISTED,
        reason="核实后属协助处理：需供电局配合",
    )
    explained = clock_of(complaint, "complaint_invalid_explained")
    assert (explained.state, explained.stopped_at) == (MET, on18(11))
    progress = clock_of(complaint, "complaint_assisted_progress")
    assert (progress.state, progress.started_at) == (RUNNING, on18(11))
    # the stopped clock never escalates
    clock.move_to(on18(20))
    sweep(now=on18(20))
    assert steps(explained) == []


def test_a_first_classification_stops_nothing(at, cast, clock):
    complaint = at(on18(10))
    complaint = services.complaint_classify(
        actor=cast.reception, complaint=complaint, responsibility_class=ONE, validity=Validity.INVALID
    )
    assert clock_of(complaint, "complaint_first_contact").state == RUNNING
    assert clock_of(complaint, "complaint_invalid_explained").state == RUNNING
    assert dt.timedelta(0) < clock_of(complaint, "complaint_invalid_explained").due_at - on18(10)
