from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import DeliveryState, Notification
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox and its dead-letter list (filter state = 发送失败), with a retry action."""

    list_display = (
        "created_at",
        "recipient",
        "channel",
        "kind",
        "subject_text",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("state", "channel", "kind")
    search_fields = ("subject", "recipient__username", "dedupe_key")
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry"]
    date_hierarchy = "created_at"

    @admin.display(description=_("标题"))
    def subject_text(self, obj):
        return obj.subject_text()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新发送所选的失败通知"))
    def retry(self, request, queryset):
        count = 0
        for notification in queryset.filter(state=DeliveryState.DEAD):
            notification_retry(actor=request.user, notification=notification)
            count += 1
        self.message_user(request, _("已重新排队 %(n)s 条通知") % {"n": count}, messages.SUCCESS)
