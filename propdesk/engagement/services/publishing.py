"""Publishing to customers as a notice (001 §4.7.2): the results of a survey once the center manager reviewed
and the branch leader approved them, and the summary of a forum's or committee meeting's opinions. Engagement
cannot import the notices app (a sibling): the notice is drafted through ``core.publishing`` and then approved,
sealed and posted in the notices app like any other. The notice's id is kept on the record, with an event."""

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core import publishing
from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require

from ..choices import EngagementEventKind, SurveyStatus
from ..models import Meeting, MeetingEvent, Survey, SurveyEvent
from .common import lock

NOTICE_DAYS = 30


def _available() -> None:
    if not publishing.can_publish():
        raise field_error("notice", _("公告功能未启用，暂不能发布为公告"), "unavailable")


def survey_summary(survey: Survey, results: dict) -> str:
    """The results in words for the residents: the center's score, each community's, the change from the last
    survey, the analysis. No household is named."""
    lines = [
        _("本次调查共发放问卷 %(sample)s 份，收回 %(responses)s 份。")
        % {"sample": results["sample"], "responses": results["responses"]},
        _("服务中心总体满意度得分：%(score)s 分。")
        % {"score": results["overall"] if results["overall"] is not None else "—"},
    ]
    if results["previous"] is not None and results["change"] is not None:
        lines.append(
            _("上次调查得分 %(previous)s 分，变化 %(change)s 分。")
            % {"previous": results["previous"], "change": f"{results['change']:+}"}
        )
    for row in results["by_community"]:
        lines.append(
            _("%(community)s：%(score)s 分（%(n)s 份答卷）")
            % {"community": row["community"].name, "score": row["score"] or "—", "n": row["responses"]}
        )
    for row in results["sections"]:
        lines.append(_("%(section)s：%(score)s 分") % {"section": row["section"].title, "score": row["score"] or "—"})
    if survey.analysis:
        lines += ["", survey.analysis]
    lines += ["", _("感谢各位业主、住户的支持，我们将针对大家的意见和建议持续改进。")]
    return "\n".join(lines)


@transaction.atomic
def survey_announce(*, actor, survey: Survey, expected_version: int | None = None) -> int:
    """Draft the notice publishing the approved results (source ``engagement.survey:<id>``); returns its id."""
    from ..selectors import survey_results

    require(actor, "survey.announce", survey, _("您无权将调查结果发布为公告"))
    survey = lock(Survey, survey, expected_version, _("调查已被他人修改，请刷新后重试"))
    if survey.status != SurveyStatus.PUBLISHED:
        raise field_error("status", _("调查结果须经经理审核、分公司审批后才能发布"), "not_approved")
    if survey.notice_id:
        raise field_error("notice", _("调查结果已发布为公告"), "already_announced")
    _available()
    draft = publishing.NoticeDraft(
        service_center_id=survey.service_center_id,
        title=_("%(title)s 结果公示") % {"title": survey.title},
        body=survey_summary(survey, survey_results(survey)),
        source=f"engagement.survey:{survey.pk}",
        valid_days=NOTICE_DAYS,
    )
    notice_id = publishing.draft_notice(actor=actor, draft=draft)
    survey.notice_id = notice_id
    survey.version += 1
    survey.save(update_fields=["notice_id", "version"])
    SurveyEvent.record(survey, EngagementEventKind.ANNOUNCED, actor, notice=notice_id)
    return notice_id


@transaction.atomic
def meeting_announce(*, actor, meeting: Meeting, summary: str) -> int:
    """Draft the notice publishing the summary of a forum's or committee meeting's opinions and what the center
    will do about them (source ``engagement.meeting:<id>``); returns its id."""
    require(actor, "contact.announce", meeting, _("您无权发布会议意见汇总"))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.kind not in ("forum", "committee"):
        raise field_error("kind", _("只有座谈会和业委会沟通会的意见汇总可以发布"), "invalid")
    if meeting.notice_id:
        raise field_error("notice", _("该会议的意见汇总已发布为公告"), "already_announced")
    summary = clean_text(summary, "summary", limit=5000)
    _available()
    draft = publishing.NoticeDraft(
        service_center_id=meeting.community.service_center_id,
        community_id=meeting.community_id,
        title=_("%(title)s 意见汇总") % {"title": meeting.title},
        body=summary,
        source=f"engagement.meeting:{meeting.pk}",
        valid_days=NOTICE_DAYS,
    )
    notice_id = publishing.draft_notice(actor=actor, draft=draft)
    meeting.notice_id = notice_id
    meeting.save(update_fields=["notice_id"])
    MeetingEvent.record(meeting, EngagementEventKind.ANNOUNCED, actor, notice=notice_id)
    return notice_id
