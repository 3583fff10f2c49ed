"""A circular's attachment served to a user who may see the circular (its recipients and whoever tracks it)."""

from urllib.parse import quote

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from . import selectors
from .models import Circular, CircularAttachment


def attachment_response(user, circular_id: int, attachment_id: int) -> FileResponse:
    try:
        item = selectors.attachment_get(user=user, circular_pk=circular_id, pk=attachment_id)
    except (Circular.DoesNotExist, CircularAttachment.DoesNotExist) as exc:
        raise Http404(_("附件不存在或您无权查看")) from exc
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(item.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
