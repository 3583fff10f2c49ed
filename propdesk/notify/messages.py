"""Message templates that leave the system (SMS, WeCom, email) and concern customers, in Chinese with their
English in notify's catalogue. Stored as ``core.texts`` (msgid + parameters), so each recipient reads them
in their own language; the apps that send them (tickets, dispatch…) pick the template here."""

from django.utils.translation import gettext_noop

# A resident's request moved on (keyed by the ticket's new status).
REQUEST_STATUS = {
    "in_progress": gettext_noop("您的诉求 %(n)s 正在处理：%(title)s"),
    "waiting_vendor": gettext_noop("您的诉求 %(n)s 已转外联单位处理：%(title)s"),
    "waiting_customer": gettext_noop("您的诉求 %(n)s 需要您的答复：%(title)s"),
    "resolved": gettext_noop("您的诉求 %(n)s 已办结，请确认并评价：%(title)s"),
    "cancelled": gettext_noop("您的诉求 %(n)s 已撤销：%(title)s"),
}
REQUEST_REOPENED = gettext_noop("您的诉求 %(n)s 已重新打开，我们会继续处理：%(title)s")
# A return visit (回访) asks the resident how the work went.
RETURN_VISIT_QUESTION = gettext_noop("回访：您对诉求 %(n)s（%(title)s）的处理满意吗？请回复或在住户服务中评价。")
