"""End to end, with the pinned clock moved explicitly and the SLA sweeper run at each moment: a resident's call
at the front desk becomes a work order that is dispatched, done, reported, signed off and visited (R-WO-1 …
R-WO-3), first with every deadline met, then with each deadline missed in turn, where the sweeper records the
breach and climbs the escalation ladder of the seeded policies:

  STD  (dispatch, housekeeping_return_visit): warn → owner; due → owner + supervisor; +30 → manager;
       +120 → quality
  WORK (completion_report, shift_signoff):    warn → owner; due → owner + control + repair manager;
       +30 → manager; +120 → quality

The front desk hands every call to the control center (R-IN-2), so the ticket's owner is the control center
(its operators). Wednesday 18 November 2026; the workers' day shift ends at 17:00.
"""

import datetime as dt

import pytest

from propdesk.dispatch import services
from propdesk.dispatch.choices import Status
from propdesk.intake.services import interaction_record
from propdesk.notify.models import Channel as NotifyChannel
from propdesk.notify.models import Notification
from propdesk.sla.choices import TargetState
from propdesk.sla.models import EscalationStep, SlaTarget
from propdesk.sla.selectors import timeliness
from propdesk.sla.services import sweep
from propdesk.testing.concurrency import seed_default_policies
from propdesk.tickets.choices import Channel, Kind, ReplyMethod
from propdesk.tickets.choices import Status as TicketStatus
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import ticket_reply

from .helpers import (
    DAY,
    NOW,
    SHIFT_END,
    build_crew,
    fresh,
    inbox,
    on18,
    signature_data_url,
    t,
    target,
    work_order_of,
)

DISPATCH = "5 分钟内派单"
REPORT = "完工后 10 分钟内报控制中心"
SIGN_OFF = "交班前到控制中心签认"
VISIT = "家政完工后即时回访"
FIRST_RESPONSE = "首问责任：2 小时内答复客户"


pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def crew(world, clock):
    seed_default_policies()
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


class Story:
    """One call from the front desk to the closed ticket, each step at a given moment, the sweeper running at
    every moment before the step (as the background loop would)."""

    def __init__(self, clock, world, crew, kind=Kind.REPAIR, hand_off=True):
        self.clock, self.world, self.crew, self.kind, self.hand_off = clock, world, crew, kind, hand_off
        self.worker = crew.housekeeper if kind == Kind.SPECIAL_SERVICE else crew.plumber
        self.ticket = None
        self.wo = None

    def at(self, moment: dt.datetime) -> "Story":
        self.clock.move_to(moment)
        sweep(now=moment)
        return self

    def call(self, moment=NOW):
        self.at(moment)
        content = "周三上午全屋保洁" if self.kind == Kind.SPECIAL_SERVICE else "厨房水龙头漏水"
        interaction = interaction_record(
            actor=self.crew.receptionist,
            channel=Channel.PHONE,
            kind=self.kind,
            content=content,
            resident=self.world.resident_a,
            hand_off=self.hand_off,
        )
        self.ticket = interaction.ticket
        self.wo = work_order_of(self.ticket)
        return self

    def dispatch(self, moment):
        self.at(moment)
        services.work_order_assign(
            actor=self.crew.operator, work_order=self.wo, assignee=self.worker, expected_version=fresh(self.wo).version
        )
        # the control center tells the caller who is coming (the first answer, R-IN-5)
        ticket_reply(
            actor=self.crew.operator, ticket=self.ticket, method=ReplyMethod.PHONE, content="已派维修人员，预计半小时到"
        )
        return self

    def progress(self, accepted, on_the_way, arrived):
        for moment, status in ((accepted, Status.ACCEPTED), (on_the_way, Status.ON_THE_WAY), (arrived, Status.ARRIVED)):
            self.at(moment)
            services.work_order_progress(actor=self.worker, work_order=self.wo, to_status=status)
        return self

    def finish(self, moment):
        self.at(moment)
        services.work_order_finish(
            actor=self.worker, work_order=self.wo, result="已处理完毕", signature=signature_data_url()
        )
        return self

    def report(self, moment):
        self.at(moment)
        services.work_order_report(actor=self.worker, work_order=self.wo)
        return self

    def sign_off(self, moment):
        # the worker signs off his jobs at the center before the end of his shift
        self.at(moment)
        services.work_order_sign_off(actor=self.worker, work_orders=[fresh(self.wo)])
        return self

    def visit(self, moment, quality=5):
        self.at(moment)
        services.return_visit_record(
            actor=self.crew.operator, work_order=self.wo, reached=True, quality=quality, on_time=True, comments="满意"
        )
        return self

    def done_by(self, moments):
        """The usual timely flow after the call: dispatched 10:03, accepted 10:05, on the way 10:10, arrived
        10:30, finished 11:00, reported 11:06, signed off 11:30, visited 11:45 (overridable)."""
        m = {
            "dispatch": on18(10, 3),
            "accepted": on18(10, 5),
            "on_the_way": on18(10, 10),
            "arrived": on18(10, 30),
            "finish": on18(11),
            "report": on18(11, 6),
            "sign_off": on18(11, 30),
            "visit": on18(11, 45),
            **moments,
        }
        self.dispatch(m["dispatch"]).progress(m["accepted"], m["on_the_way"], m["arrived"])
        self.finish(m["finish"]).report(m["report"]).sign_off(m["sign_off"]).visit(m["visit"])
        return self


def states(ticket) -> dict[str, str]:
    return dict(SlaTarget.objects.filter(ticket=ticket).values_list("policy__code", "state"))


def ladder(ticket, code) -> list[tuple]:
    """Steps taken for one clock: level, trigger, planned moment, the sweep that took it, recipients' usernames."""
    rows = []
    for step in EscalationStep.objects.filter(target__ticket=ticket, target__policy__code=code).order_by("level"):
        users = sorted(
            Notification.objects.filter(
                dedupe_key__startswith=f"sla:{step.target_id}:L{step.level}:inapp:"
            ).values_list("recipient__username", flat=True)
        )
        rows.append((step.level, step.when, step.due_at, step.taken_at, users))
    return rows


def rates(crew) -> dict[str, tuple[int, int]]:
    rows, total = timeliness(user=crew.quality, date_from=DAY, date_to=DAY, group_by="policy")
    return {row.label: (row.met, row.breached) for row in rows} | {"合计": (total.met, total.breached)}


def warn_subject(ticket, policy, due) -> str:
    return f"即将超时：{ticket.number} {policy}（{due:%m-%d %H:%M} 到期）"


def due_subject(ticket, policy, level, due) -> str:
    return f"已超时（第 {level} 级）：{ticket.number} {policy}（应于 {due:%m-%d %H:%M} 完成）"


# ----------------------------------------------------------------------------- every deadline met


def test_a_repair_call_done_in_time_meets_every_deadline(clock, world, crew):
    # given a resident's call at 10:00, handed to the control center
    story = Story(clock, world, crew).call()
    assert story.ticket.number == "BX-20261118-0001"
    assert (story.wo.number, story.wo.status) == ("BX-20261118-0001-1", Status.PENDING)

    # when it is dispatched within 5 minutes, done, reported within 10 minutes, signed off before the end of the
    # shift and visited
    story.done_by({})
    # and the sweeper keeps running until the evening and the next morning
    for moment in (on18(12), on18(17), on18(20), t(2026, 11, 19, 9)):
        story.at(moment)

    # then the job and the ticket are closed
    wo = fresh(story.wo)
    assert (wo.status, wo.assigned_at, wo.finished_at, wo.reported_at, wo.signed_off_at, wo.closed_at) == (
        Status.CLOSED,
        on18(10, 3),
        on18(11),
        on18(11, 6),
        on18(11, 30),
        on18(11, 45),
    )
    ticket = Ticket.objects.get(pk=story.ticket.pk)
    assert (ticket.status, ticket.resolved_at, ticket.closed_at) == (TicketStatus.CLOSED, on18(11, 30), on18(11, 45))
    # every clock was met, nothing escalated, nobody was warned
    assert states(ticket) == {
        "dispatch": TargetState.MET,
        "first_response": TargetState.MET,
        "completion_report": TargetState.MET,
        "shift_signoff": TargetState.MET,
    }
    assert list(SlaTarget.objects.filter(ticket=ticket).order_by("pk").values_list("stopped_at", flat=True)) == [
        on18(10, 3),
        on18(10, 3),
        on18(11, 6),
        on18(11, 30),
    ]
    assert EscalationStep.objects.count() == 0
    assert Notification.objects.filter(kind__startswith="sla.").count() == 0
    assert rates(crew) == {
        DISPATCH: (1, 0),
        FIRST_RESPONSE: (1, 0),
        REPORT: (1, 0),
        SIGN_OFF: (1, 0),
        "合计": (4, 0),
    }


def test_a_housekeeping_call_done_in_time_meets_every_deadline(clock, world, crew):
    story = Story(clock, world, crew, kind=Kind.SPECIAL_SERVICE).call()
    story.done_by({"sign_off": on18(11, 20), "visit": on18(11, 35)})
    story.at(on18(18))

    assert (fresh(story.wo).status, Ticket.objects.get(pk=story.ticket.pk).status) == (
        Status.CLOSED,
        TicketStatus.CLOSED,
    )
    assert states(story.ticket) == {
        "dispatch": TargetState.MET,
        "first_response": TargetState.MET,
        "completion_report": TargetState.MET,
        "shift_signoff": TargetState.MET,
        "housekeeping_return_visit": TargetState.MET,
    }
    assert EscalationStep.objects.count() == 0
    assert rates(crew)["合计"] == (5, 0)


# ----------------------------------------------------------------------------- each deadline missed


def test_dispatching_after_6_minutes_is_a_breach_escalated_to_the_supervisor(clock, world, crew):
    # given a call at 10:00 (dispatch due 10:05, warning 10:04)
    story = Story(clock, world, crew).call()
    story.at(on18(10, 4))
    story.at(on18(10, 5))

    # when the job is dispatched at 10:06 and then done in time
    story.done_by({"dispatch": on18(10, 6)})
    for moment in (on18(10, 35), on18(12, 5), on18(18)):
        story.at(moment)

    # then the dispatch clock is breached; the owner (the control center) was warned at 10:04 and, at 10:05,
    # the owner and the CS supervisor were told; the clock stopped at 10:06, so the ladder went no further
    dispatch = target(story.ticket, "dispatch")
    assert (dispatch.state, dispatch.breached_at, dispatch.stopped_at) == (
        TargetState.BREACHED,
        on18(10, 5),
        on18(10, 6),
    )
    assert ladder(story.ticket, "dispatch") == [
        (1, "warn", on18(10, 4), on18(10, 4), ["operator"]),
        (2, "due", on18(10, 5), on18(10, 5), ["operator", "supervisor"]),
    ]
    due = on18(10, 5)
    assert inbox(crew.operator, "sla.warn") == [warn_subject(story.ticket, DISPATCH, due)]
    assert (
        inbox(crew.supervisor, "sla.due")
        == inbox(crew.operator, "sla.due")
        == [due_subject(story.ticket, DISPATCH, 2, due)]
    )
    assert inbox(crew.manager) == inbox(crew.quality) == []
    # and every other clock was met
    assert states(story.ticket) == {
        "dispatch": TargetState.BREACHED,
        "first_response": TargetState.MET,
        "completion_report": TargetState.MET,
        "shift_signoff": TargetState.MET,
    }
    assert rates(crew) == {
        DISPATCH: (0, 1),
        FIRST_RESPONSE: (1, 0),
        REPORT: (1, 0),
        SIGN_OFF: (1, 0),
        "合计": (3, 1),
    }


def test_reporting_15_minutes_after_finishing_is_a_breach_escalated_to_control_and_the_repair_manager(
    clock, world, crew
):
    # given a job finished at 11:00 (report due 11:10, warning 11:08)
    story = Story(clock, world, crew).call()
    story.dispatch(on18(10, 3)).progress(on18(10, 5), on18(10, 10), on18(10, 30)).finish(on18(11))
    story.at(on18(11, 8))
    story.at(on18(11, 10))

    # when the worker reports at 11:15 and the rest is done in time
    story.report(on18(11, 15)).sign_off(on18(11, 30)).visit(on18(11, 45))
    for moment in (on18(11, 40), on18(13, 10), on18(18)):
        story.at(moment)

    # then
    report = target(story.ticket, "completion_report")
    assert (report.state, report.breached_at, report.stopped_at, report.work_order_id) == (
        TargetState.BREACHED,
        on18(11, 10),
        on18(11, 15),
        story.wo.pk,
    )
    steps = ladder(story.ticket, "completion_report")
    assert [(level, when, due_at, taken_at) for level, when, due_at, taken_at, _users in steps] == [
        (1, "warn", on18(11, 8), on18(11, 8)),
        (2, "due", on18(11, 10), on18(11, 10)),
    ]
    # the control center and the repair manager (and, once the owner is the worker, the worker: see the xfail
    # test below) are told at the due moment
    assert set(steps[1][4]) - {"plumber"} == {"operator", "repair-manager"}
    assert inbox(crew.repair_manager, "sla.due") == [due_subject(story.ticket, REPORT, 2, on18(11, 10))]
    assert inbox(crew.manager) == inbox(crew.quality) == inbox(crew.supervisor) == []
    assert states(story.ticket) == {
        "dispatch": TargetState.MET,
        "first_response": TargetState.MET,
        "completion_report": TargetState.BREACHED,
        "shift_signoff": TargetState.MET,
    }
    assert (fresh(story.wo).status, Ticket.objects.get(pk=story.ticket.pk).status) == (
        Status.CLOSED,
        TicketStatus.CLOSED,
    )
    assert rates(crew)[REPORT] == (0, 1)
    assert rates(crew)["合计"] == (3, 1)


def test_no_sign_off_before_the_shift_end_climbs_the_whole_ladder(clock, world, crew):
    # given a job reported at 11:06 (sign-off due at the shift end 17:00, warning at 15:49:12)
    story = Story(clock, world, crew).call()
    story.dispatch(on18(10, 3)).progress(on18(10, 5), on18(10, 10), on18(10, 30)).finish(on18(11)).report(on18(11, 6))

    # when nobody signs it off that day, while the sweeper runs
    for moment in (on18(15, 50), on18(17), on18(17, 30), on18(19)):
        story.at(moment)
    # and it is signed off and visited the next morning
    story.sign_off(t(2026, 11, 19, 8, 30)).visit(t(2026, 11, 19, 9, 30))
    story.at(t(2026, 11, 19, 12))

    # then the breach and all four steps were recorded, each with its in-app notifications
    sign_off = target(story.ticket, "shift_signoff")
    assert (sign_off.state, sign_off.due_at, sign_off.breached_at, sign_off.stopped_at) == (
        TargetState.BREACHED,
        SHIFT_END,
        SHIFT_END,
        t(2026, 11, 19, 8, 30),
    )
    steps = ladder(story.ticket, "shift_signoff")
    assert [(level, when, due_at, taken_at) for level, when, due_at, taken_at, _users in steps] == [
        (1, "warn", on18(15, 49, 12), on18(15, 50)),
        (2, "due", on18(17), on18(17)),
        (3, "due", on18(17, 30), on18(17, 30)),
        (4, "due", on18(19), on18(19)),
    ]
    assert set(steps[1][4]) - {"plumber"} == {"operator", "repair-manager"}
    assert (steps[2][4], steps[3][4]) == (["manager"], ["quality"])
    assert inbox(crew.manager) == [due_subject(story.ticket, SIGN_OFF, 3, SHIFT_END)]
    assert inbox(crew.quality) == [due_subject(story.ticket, SIGN_OFF, 4, SHIFT_END)]
    assert states(story.ticket) == {
        "dispatch": TargetState.MET,
        "first_response": TargetState.MET,
        "completion_report": TargetState.MET,
        "shift_signoff": TargetState.BREACHED,
    }
    assert rates(crew)[SIGN_OFF] == (0, 1)
    assert rates(crew)["合计"] == (3, 1)


def test_a_housekeeping_return_visit_after_40_minutes_is_a_breach(clock, world, crew):
    # given a housekeeping job signed off at 11:20: the ticket is resolved and the return visit is due 11:50
    story = Story(clock, world, crew, kind=Kind.SPECIAL_SERVICE).call()
    story.dispatch(on18(10, 3)).progress(on18(10, 5), on18(10, 10), on18(10, 30)).finish(on18(11))
    story.report(on18(11, 6)).sign_off(on18(11, 20))
    visit = target(story.ticket, "housekeeping_return_visit")
    assert (visit.started_at, visit.warn_at, visit.due_at) == (on18(11, 20), on18(11, 44), on18(11, 50))
    story.at(on18(11, 44))
    story.at(on18(11, 50))

    # when the control center calls the customer back at 12:00
    story.visit(on18(12))
    for moment in (on18(12, 20), on18(13, 50)):
        story.at(moment)

    # then
    visit = target(story.ticket, "housekeeping_return_visit")
    assert (visit.state, visit.breached_at, visit.stopped_at) == (TargetState.BREACHED, on18(11, 50), on18(12))
    assert ladder(story.ticket, "housekeeping_return_visit") == [
        (1, "warn", on18(11, 44), on18(11, 44), ["operator"]),
        (2, "due", on18(11, 50), on18(11, 50), ["operator", "supervisor"]),
    ]
    assert inbox(crew.supervisor, "sla.due") == [due_subject(story.ticket, VISIT, 2, on18(11, 50))]
    assert states(story.ticket) == {
        "dispatch": TargetState.MET,
        "first_response": TargetState.MET,
        "completion_report": TargetState.MET,
        "shift_signoff": TargetState.MET,
        "housekeeping_return_visit": TargetState.BREACHED,
    }
    assert (fresh(story.wo).status, Ticket.objects.get(pk=story.ticket.pk).status) == (
        Status.CLOSED,
        TicketStatus.CLOSED,
    )
    assert rates(crew)[VISIT] == (0, 1)
    assert rates(crew)["合计"] == (4, 1)


# ----------------------------------------------------------------------------- left undone: the whole ladder


def test_a_job_never_dispatched_climbs_to_the_quality_department(clock, world, crew):
    story = Story(clock, world, crew).call()
    for moment in (on18(10, 4), on18(10, 5), on18(10, 35), on18(12, 5)):
        story.at(moment)

    due = on18(10, 5)
    assert ladder(story.ticket, "dispatch") == [
        (1, "warn", on18(10, 4), on18(10, 4), ["operator"]),
        (2, "due", due, due, ["operator", "supervisor"]),
        (3, "due", on18(10, 35), on18(10, 35), ["manager"]),
        (4, "due", on18(12, 5), on18(12, 5), ["quality"]),
    ]
    assert [s for s in inbox(crew.operator) if DISPATCH in s] == [
        warn_subject(story.ticket, DISPATCH, due),
        due_subject(story.ticket, DISPATCH, 2, due),
    ]
    assert inbox(crew.manager) == [due_subject(story.ticket, DISPATCH, 3, due)]
    assert inbox(crew.quality) == [due_subject(story.ticket, DISPATCH, 4, due)]
    # nobody answered the caller either: the first response (due 12:00) was escalated too
    assert [s for s in inbox(crew.supervisor) if FIRST_RESPONSE in s] == [
        due_subject(story.ticket, FIRST_RESPONSE, 2, on18(12))
    ]
    # both clocks are still open and past due: counted as breached
    assert states(story.ticket) == {"dispatch": TargetState.BREACHED, "first_response": TargetState.BREACHED}
    assert rates(crew) == {DISPATCH: (0, 1), FIRST_RESPONSE: (0, 1), "合计": (0, 2)}

    # a late dispatch does not take the breach back, and nothing more is escalated
    story.dispatch(on18(12, 10))
    story.at(on18(18))
    dispatch = target(story.ticket, "dispatch")
    assert (dispatch.state, dispatch.stopped_at, dispatch.escalation_level) == (TargetState.BREACHED, on18(12, 10), 4)
    assert EscalationStep.objects.filter(target=dispatch).count() == 4


def test_a_job_never_reported_climbs_to_the_quality_department(clock, world, crew):
    story = Story(clock, world, crew).call()
    story.dispatch(on18(10, 3)).progress(on18(10, 5), on18(10, 10), on18(10, 30)).finish(on18(11))
    for moment in (on18(11, 8), on18(11, 10), on18(11, 40), on18(13, 10)):
        story.at(moment)

    steps = ladder(story.ticket, "completion_report")
    assert [(level, when, due_at, taken_at) for level, when, due_at, taken_at, _users in steps] == [
        (1, "warn", on18(11, 8), on18(11, 8)),
        (2, "due", on18(11, 10), on18(11, 10)),
        (3, "due", on18(11, 40), on18(11, 40)),
        (4, "due", on18(13, 10), on18(13, 10)),
    ]
    assert set(steps[1][4]) - {"plumber"} == {"operator", "repair-manager"}
    assert (steps[2][4], steps[3][4]) == (["manager"], ["quality"])
    assert inbox(crew.quality) == [due_subject(story.ticket, REPORT, 4, on18(11, 10))]
    assert rates(crew)[REPORT] == (0, 1)


def test_a_housekeeping_job_never_visited_climbs_to_the_quality_department(clock, world, crew):
    story = Story(clock, world, crew, kind=Kind.SPECIAL_SERVICE).call()
    story.dispatch(on18(10, 3)).progress(on18(10, 5), on18(10, 10), on18(10, 30)).finish(on18(11))
    story.report(on18(11, 6)).sign_off(on18(11, 20))
    for moment in (on18(11, 44), on18(11, 50), on18(12, 20), on18(13, 50)):
        story.at(moment)

    assert ladder(story.ticket, "housekeeping_return_visit") == [
        (1, "warn", on18(11, 44), on18(11, 44), ["operator"]),
        (2, "due", on18(11, 50), on18(11, 50), ["operator", "supervisor"]),
        (3, "due", on18(12, 20), on18(12, 20), ["manager"]),
        (4, "due", on18(13, 50), on18(13, 50), ["quality"]),
    ]
    assert inbox(crew.quality) == [due_subject(story.ticket, VISIT, 4, on18(11, 50))]
    assert Notification.objects.filter(kind="sla.due", channel=NotifyChannel.INAPP).count() == 4
    assert rates(crew)[VISIT] == (0, 1)


# ----------------------------------------------------------------------------- work-order clocks and their owner


def test_the_worker_is_warned_before_his_completion_report_is_late(clock, world, crew):
    story = Story(clock, world, crew).call()
    story.dispatch(on18(10, 3)).progress(on18(10, 5), on18(10, 10), on18(10, 30)).finish(on18(11))
    story.at(on18(11, 8))
    assert ladder(story.ticket, "completion_report") == [(1, "warn", on18(11, 8), on18(11, 8), ["plumber"])]
    assert inbox(crew.plumber, "sla.warn") == [warn_subject(story.ticket, REPORT, on18(11, 10))]


def test_a_late_completion_report_is_attributed_to_the_worker(clock, world, crew):
    # given a call kept by the receptionist (no hand-off): she is the ticket's owner
    story = Story(clock, world, crew, hand_off=False).call()
    story.dispatch(on18(10, 3)).progress(on18(10, 5), on18(10, 10), on18(10, 30)).finish(on18(11))
    story.at(on18(11, 10))
    story.report(on18(11, 15))

    report = target(story.ticket, "completion_report")
    assert (report.state, report.owner) == (TargetState.BREACHED, crew.plumber)
    rows, _total = timeliness(user=crew.quality, date_from=DAY, date_to=DAY, group_by="person")
    assert {(row.label, row.breached) for row in rows if row.breached} == {("plumber", 1)}
