"""What the dispatch endpoint modules share: finding what the caller may act on (scoped through the
selectors), a stale work order answered 409, the JSON bodies of idempotent creates, and multipart
requests as the idempotency key sees them. No business rules: those stay in the services."""

import hashlib
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from propdesk.core.errors import StaleVersion
from propdesk.org.models import ServiceCenter

from . import selectors
from .api_schemas import WorkOrderOut
from .models import WorkOrder

# The code the work-order services give a version conflict (StaleWorkOrder).
STALE_CODE = "stale_version"
TAGS = ["工作单与派单 Work orders & dispatch"]
# What a work order's summary shows, fetched with the rows (no query per row).
LIST_RELATED = ("ticket__unit__building", "community", "assignee__staff_profile", "vendor")


def work_order(request: HttpRequest, work_order_id: int) -> WorkOrder:
    """A work order the caller may see (404 otherwise: a technician sees only their own jobs and offers)."""
    return selectors.work_order_get(user=request.auth, pk=work_order_id)


def dispatch_center(request: HttpRequest, center_id: int) -> ServiceCenter:
    """A service center whose board the caller runs: another center is 404, no board at all is 403."""
    centers = selectors.dispatch_centers(user=request.auth)
    center = centers.filter(pk=center_id).first()
    if center is not None:
        return center
    if not centers.exists():
        raise PermissionDenied(_("派单台仅限控制中心、客服和维修管理人员使用"))
    raise Http404(_("服务中心不存在或您无权派单"))


def active_user(pk: int | None, field: str):
    """The active login ``pk`` (None stays None), else a 400 on ``field``; the service decides what they may do."""
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).select_related("staff_profile").first()
    if user is None:
        raise ValidationError({field: _("该员工不存在或已停用")}, code="not_found")
    return user


def call(service, **kwargs):
    """Run a service; its stale-version refusal becomes a StaleVersion (answered 409 on ``expected_version``)."""
    try:
        return service(**kwargs)
    except StaleVersion:
        raise
    except ValidationError as exc:
        if getattr(exc, "code", None) == STALE_CODE:
            raise StaleVersion(exc.messages, code=STALE_CODE) from exc
        raise


def work_order_body(wo: WorkOrder) -> dict:
    return WorkOrderOut.from_orm(wo).model_dump(mode="json")


def body_of(schema, obj) -> dict:
    """The JSON body of ``obj`` (what an idempotent create stores and replays)."""
    return schema.from_orm(obj).model_dump(mode="json")


def file_digest(upload) -> dict:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return {"name": upload.name, "size": upload.size, "sha256": sha.hexdigest()}


class MultipartAsJson:
    """A multipart request as the idempotency key sees it: its fields and a digest of each file as JSON.

    A retry of an upload has another multipart boundary (and the raw body is consumed by then), so the
    key is compared on the content, not the bytes. Everything else is the request's own.
    """

    def __init__(self, request: HttpRequest, fields: dict, files: dict):
        self._request = request
        canonical = {**fields, **{name: file_digest(f) for name, f in files.items() if f is not None}}
        self.body = json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()

    def __getattr__(self, name):
        return getattr(self._request, name)
