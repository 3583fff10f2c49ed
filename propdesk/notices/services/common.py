"""What the notice services share: the row lock with its version check, safe rich text, and who is told."""

import nh3
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community
from propdesk.core.errors import StaleVersion
from propdesk.org.models import RoleMembership

from .. import permissions  # noqa: F401  (declares the rules)
from ..choices import Audience

# What a notice body may keep: paragraphs, emphasis, lists, tables and links (no scripts, styles or handlers).
BODY_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "span", "hr",
}  # fmt: skip


def clean_body(value: str) -> str:
    return nh3.clean(value or "", tags=BODY_TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https"})


def aware(value):
    """A datetime from a client in local time when it carries no offset (None stays None)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def lock(model, obj, expected_version: int | None, message: str | None = None):
    """``obj`` re-read under a row lock; a version other than the caller's is refused (409 in the API)."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(message or _("该记录已被他人修改，请刷新后再操作"), code="stale_version")
    return locked


def center_staff(center, roles) -> list:
    """Active users holding one of ``roles`` at the center or in one of its communities."""
    from django.contrib.auth import get_user_model

    memberships = RoleMembership.objects.filter(is_active=True, role__in=[str(r) for r in roles]).filter(
        Q(service_center=center.pk) | Q(community__service_center=center.pk)
    )
    return list(get_user_model().objects.filter(is_active=True, pk__in=memberships.values("user")).order_by("pk"))


def audience_communities(notice) -> list[Community]:
    """The communities whose boards a notice goes on."""
    if notice.audience == Audience.COMPANY:
        company_id = notice.service_center.branch.company_id
        return list(Community.objects.filter(service_center__branch__company_id=company_id).order_by("pk"))
    if notice.audience == Audience.CENTER:
        return list(Community.objects.filter(service_center_id=notice.service_center_id).order_by("pk"))
    return [notice.community] if notice.community_id else []
