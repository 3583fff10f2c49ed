"""One JSON error body for every failure: ``{"detail": "<message>", "errors": [{"field", "message"}]}``.

- Django ``ValidationError`` (a service refused the input) → 400; ``StaleVersion`` → 409
- ``PermissionDenied`` → 403; ``DoesNotExist`` / ``Http404`` → 404
- the request did not match the schema (wrong type, missing field) → 422, with the field names
- no or bad credentials → 401; too many bad tokens from one address → 429; malformed JSON → 400
- a NUL or a lone surrogate in a JSON string → 400 on that field (``core.inputs``)
- a body that is not JSON (``Content-Type`` other than ``application/json``) where JSON is expected → 415
Messages are Chinese by default and follow the request language (``LocaleMiddleware``).
"""

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from propdesk.core.errors import StaleVersion

from .auth import Throttled
from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import KeyReused

NON_FIELD = "__all__"
# PostgreSQL's "numeric value out of range" (integer or bigint overflow).
NUMERIC_OUT_OF_RANGE = "22003"


class UnsupportedMediaType(Exception):
    """A JSON body was expected but the request's ``Content-Type`` is something else (answered with 415)."""


class InvalidCharacters(Exception):
    """A string in the JSON body holds a NUL or a lone surrogate (answered with 400 on its field)."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        self.field = field or NON_FIELD
        self.message = message


def is_json_content_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


WRAPPER_PARAMS = frozenset({"payload", "filters"})


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# The responses every operation may give, for the OpenAPI schema; ``document_responses`` adds 409, 415 and 429
# where they can happen.
COMMON_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


def _has_property(schema: dict, components: dict, name: str) -> bool:
    """Whether a request body schema (or one of its alternatives) has the property ``name``."""
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if name in schema.get("properties", {}):
        return True
    return any(_has_property(s, components, name) for key in ("anyOf", "oneOf", "allOf") for s in schema.get(key, []))


def document_responses(schema: dict) -> None:
    """Add to every operation of an OpenAPI ``schema`` the error responses it can give but does not declare."""
    components = schema.get("components", {}).get("schemas", {})
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            content = operation.get("requestBody", {}).get("content", {})
            extra = {429: "该地址的接口令牌错误次数过多，暂时锁定 / too many bad tokens from this address"}
            if "application/json" in content:
                extra[415] = "请求体不是 JSON（Content-Type 须为 application/json）/ the body is not JSON"
                if _has_property(content["application/json"].get("schema", {}), components, "expected_version"):
                    extra[409] = "已被他人修改（expected_version 不是当前版本）/ changed by someone else since"
            # Ninja keys the responses by number; a status it already has (as 409 or "409") is kept.
            declared = {str(status) for status in responses}
            for status, description in extra.items():
                if str(status) not in declared:
                    responses[status] = {"description": description, **ERROR_REF}


def error_response(api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors=()) -> HttpResponse:
    body = {"detail": str(detail), "errors": [{"field": f, "message": str(m)} for f, m in errors]}
    return api.create_response(request, body, status=status)


def django_errors(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(field, message) for field, messages in exc.message_dict.items() for message in messages]
    return [(NON_FIELD, message) for message in exc.messages]


# Chinese messages for pydantic's error types; other languages get pydantic's own (English) text.
_SCHEMA_MESSAGES = {
    "missing": gettext_lazy("必填"),
    "string_type": gettext_lazy("应为文本"),
    "int_type": gettext_lazy("应为整数"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "datetime_type": gettext_lazy("时间格式不正确，应为 ISO 8601，如 2026-05-01T09:30:00+08:00"),
    "datetime_parsing": gettext_lazy("时间格式不正确，应为 ISO 8601，如 2026-05-01T09:30:00+08:00"),
    "datetime_from_date_parsing": gettext_lazy("时间格式不正确，应为 ISO 8601，如 2026-05-01T09:30:00+08:00"),
    "date_type": gettext_lazy("日期格式不正确，应为 YYYY-MM-DD"),
    "date_parsing": gettext_lazy("日期格式不正确，应为 YYYY-MM-DD"),
    "date_from_datetime_parsing": gettext_lazy("日期格式不正确，应为 YYYY-MM-DD"),
    "date_from_datetime_inexact": gettext_lazy("日期格式不正确，应为 YYYY-MM-DD"),
    "string_too_short": gettext_lazy("至少 %(min_length)s 个字符"),
    "string_too_long": gettext_lazy("不能超过 %(max_length)s 个字符"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s"),
    "greater_than": gettext_lazy("必须大于 %(gt)s"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s"),
    "less_than": gettext_lazy("必须小于 %(lt)s"),
    "literal_error": gettext_lazy("取值不正确，可选：%(expected)s"),
    "enum": gettext_lazy("取值不正确，可选：%(expected)s"),
    "model_type": gettext_lazy("应为 JSON 对象"),
    "model_attributes_type": gettext_lazy("应为 JSON 对象"),
    "dict_type": gettext_lazy("应为 JSON 对象"),
    "list_type": gettext_lazy("应为列表"),
    "extra_forbidden": gettext_lazy("不允许的字段"),
    "json_invalid": gettext_lazy("不是有效的 JSON"),
}


def schema_error_field(loc) -> str:
    """("body", "payload", "contact", "phone") → "contact.phone"; ("query", "limit") → "limit"."""
    parts = [str(p) for p in loc]
    source, rest = (parts[0], parts[1:]) if parts else ("", [])
    # Our handlers call their body parameter ``payload`` and their query model ``filters``; clients never
    # see those names, only the fields inside.
    if source in ("body", "query") and rest and rest[0] in WRAPPER_PARAMS:
        rest = rest[1:]
    return ".".join(rest) or (source or NON_FIELD)


def schema_error_message(error: dict) -> str:
    if error.get("type") == "string_too_short" and (error.get("ctx") or {}).get("min_length") == 1:
        return _("不能为空")  # what the services say of an empty required text
    language = (translation.get_language() or "").lower()
    template = _SCHEMA_MESSAGES.get(error.get("type", ""))
    if template is None or not language.startswith("zh"):
        return error.get("msg", "")
    try:
        return str(template) % dict(error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return error.get("msg", "")


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (the most specific class wins, so StaleVersion beats ValidationError)."""
    install_input_handlers(api)

    @api.exception_handler(StaleVersion)
    def stale(request, exc: StaleVersion):
        messages = exc.messages
        return error_response(api, request, 409, messages[0], [("expected_version", m) for m in messages])

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        errors = django_errors(exc)
        return error_response(api, request, 400, errors[0][1] if errors else _("输入有误"), errors)

    @api.exception_handler(PermissionDenied)
    def denied(request, exc: PermissionDenied):
        return error_response(api, request, 403, str(exc) or _("您没有执行此操作的权限"))

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request, exc):
        return error_response(api, request, 404, _("记录不存在或您无权查看"))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, _("记录不存在或您无权查看"))

    @api.exception_handler(MultipleObjectsReturned)
    def ambiguous(request, exc):
        return error_response(api, request, 409, _("有多条记录与之对应：多个服务中心有此编号，请同时指定服务中心"))

    @api.exception_handler(KeyReused)
    def key_reused(request, exc):
        message = _("该幂等键（Idempotency-Key）已用于另一个不同的请求，请为新请求使用新的键")
        return error_response(api, request, 422, message, [(IDEMPOTENCY_HEADER, message)])

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = error_response(api, request, 401, _("未登录，或接口令牌无效、已吊销"))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        response = error_response(api, request, 429, str(exc))
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, UnsupportedMediaType):
            # Ninja wraps whatever the parser raises in a 400; the cause says it was the content type.
            message = _("请求内容须为 JSON，请设置请求头 Content-Type: application/json")
            return error_response(api, request, 415, message, [("Content-Type", message)])
        if isinstance(exc.__cause__, InvalidCharacters):
            cause = exc.__cause__
            return error_response(api, request, 400, f"{cause.field}: {cause.message}", [(cause.field, cause.message)])
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = _("请求内容不是有效的 JSON")
        return error_response(api, request, exc.status_code, detail)

    @api.exception_handler(SchemaValidationError)
    def schema_invalid(request, exc: SchemaValidationError):
        errors = [(schema_error_field(e.get("loc", ())), schema_error_message(e)) for e in exc.errors]
        detail = f"{errors[0][0]}: {errors[0][1]}" if errors else _("请求格式不正确")
        return error_response(api, request, 422, detail, errors)


def install_input_handlers(api: NinjaAPI) -> None:
    """What the input layer refuses: characters no database can keep (400), numbers no column can hold (422)."""

    @api.exception_handler(InvalidCharacters)
    def invalid_characters(request, exc: InvalidCharacters):
        return error_response(api, request, 400, f"{exc.field}: {exc.message}", [(exc.field, exc.message)])

    @api.exception_handler(OverflowError)
    def overflow(request, exc: OverflowError):
        # A number or date the schema let through but a column or the calendar cannot hold (the input types in
        # ``schemas.py`` bound them; this keeps an endpoint that forgot one from answering 500).
        return error_response(api, request, 422, _("数值超出范围"))

    @api.exception_handler(DataError)
    def data_error(request, exc: DataError):
        if getattr(exc.__cause__, "sqlstate", None) != NUMERIC_OUT_OF_RANGE:
            raise exc
        return error_response(api, request, 422, _("数值超出范围"))
