"""What the dispatch pages share: the service center a page is about, the work order of a URL and
turning a refusal into a message."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from propdesk.core.inputs import parse_id
from propdesk.org.models import ServiceCenter

from .. import selectors
from ..models import WorkOrder


def messages_of(exc) -> str:
    """One line for the page's message area from a refusal (field errors joined)."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
        return "；".join(exc.messages)
    return str(exc) or _("您无权执行此操作")


def form_error(form) -> ValidationError:
    """A form's errors as one ValidationError, to be shown like a service's."""
    return ValidationError(form.errors.as_data())


def center_of(request: HttpRequest) -> ServiceCenter:
    """The service center the page is about (``?center=``), among those whose board the user may run."""
    centers = selectors.dispatch_centers(user=request.user)
    wanted = request.GET.get("center") or request.POST.get("center")
    if wanted and wanted.isdigit():
        # A number no key can hold ("99999999999999999999", "²") names no center: 404 like an unknown one.
        center = centers.filter(pk=parse_id(wanted) or 0).first()
        if center is None:
            raise Http404(_("服务中心不存在或您无权派单"))
        return center
    center = centers.first()
    if center is None:
        raise PermissionDenied(_("派单台仅限控制中心、客服和维修管理人员使用"))
    return center


def work_order_of(request: HttpRequest, pk: int) -> WorkOrder:
    """The work order of the URL, if the user may see it (else 404)."""
    try:
        return selectors.work_order_get(user=request.user, pk=pk)
    except WorkOrder.DoesNotExist as exc:
        raise Http404(_("工作单不存在或您无权查看")) from exc
