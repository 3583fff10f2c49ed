"""What the training pages share: the objects a user may see (404 otherwise) and form values read safely."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from propdesk.core.inputs import parse_id

from .. import selectors
from ..models import Procedure, Session


def procedure_or_404(request: HttpRequest, pk: int) -> Procedure:
    try:
        return selectors.procedure_get(user=request.user, pk=pk)
    except Procedure.DoesNotExist as exc:
        raise Http404(_("新程序不存在或您无权查看")) from exc


def session_or_404(request: HttpRequest, pk: int) -> Session:
    try:
        return selectors.session_get(user=request.user, pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404(_("培训场次不存在或您无权查看")) from exc


def ids(values) -> list[int]:
    return [i for i in (parse_id(v) for v in values) if i is not None]


def number(raw: str | None) -> int | None:
    """A small whole number from a form (a score, a capacity, a pass mark); empty or malformed → None."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else None
