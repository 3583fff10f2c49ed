"""Builds the NinjaAPI of ``/api/v1/``: authentication, error handlers, offline docs.

The domain routers are assembled in ``config/api.py``: this app sits below every domain app and
imports none of them.
"""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.parser import Parser

from propdesk.core.inputs import find_bad_text

from . import errors
from .auth import SessionAuth, TokenAuth

DESCRIPTION = """PropDesk 接口（第 1 版）。

认证：集成系统在请求头带 `Authorization: Bearer <令牌>`（令牌在“接口令牌”页面创建，只显示一次）；
浏览器使用登录会话，写操作须带 `X-CSRFToken`。

请求体为 JSON 的接口须带 `Content-Type: application/json`，否则返回 415（上传附件用 multipart/form-data）。

错误统一为 `{"detail": "说明", "errors": [{"field": "字段", "message": "说明"}]}`：
400 输入有误（业务校验；路径、查询参数、表单、请求头或 JSON 中含空字符 `\\0`，或 JSON 中含不成对的 UTF-16 代理项）、
401 未认证、403 无权限、404 不存在或无权查看、409 工单已被他人修改、415 请求体不是 JSON、
422 请求格式不正确（类型错误、缺少字段、超出取值范围）、429 令牌错误次数过多。
错误信息默认中文，`Accept-Language: en` 时为英文。

取值范围：ID 为 1 至 2^63−1；`limit` 1–100，`offset` 0–1,000,000；日期和时间的日期部分在 2000-01-01 至 2099-12-31 之间。

创建接口支持 `Idempotency-Key` 请求头：网络重试时带上同一个键，只会创建一次，并返回第一次的结果
（响应头 `Idempotent-Replayed: true`）。
"""


class OfflineSwagger(DocsBase):
    """Swagger UI from the files ninja ships (served by ``views.docs_asset``): the docs work on a closed LAN.

    Ninja's own page falls back to a CDN when "ninja" is not in INSTALLED_APPS; this one never does.
    """

    settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Swagger UI would otherwise call validator.swagger.io from the browser.
        "validatorUrl": None,
    }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"api": api, "swagger_settings": json.dumps(swagger_settings), "add_csrf": True}
        return render(request, "api/docs.html", context)


class JsonBodyParser(Parser):
    """Reads JSON bodies only when the request says it sends JSON (``application/json`` or ``…+json``), and
    only when every string in them can be stored.

    Ninja calls ``parse_body`` for every operation whose parameters come from a JSON body, and only when the
    request has one; form fields and file uploads (multipart) are read without it, so they stay allowed.
    A body of another type is refused with 415 (``errors.py``) instead of being parsed as JSON anyway. A NUL
    or a lone surrogate (``"\\ud800"``) anywhere in the body — a value or a key — is refused with 400 on that
    field (``core.inputs``); query strings, form fields and paths are checked by ``InputGuardMiddleware``.
    """

    def parse_body(self, request: HttpRequest):
        if not errors.is_json_content_type(request.content_type):
            raise errors.UnsupportedMediaType(request.content_type)
        data = super().parse_body(request)
        found = find_bad_text(data)
        if found is not None:
            raise errors.InvalidCharacters(*found)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        """Query parameters and form fields (with the names of uploaded files) — the same check as JSON bodies.
        The middleware has already refused a NUL in a query string; form fields of the API are checked here."""
        result = super().parse_querydict(data, list_fields, request)
        found = find_bad_text(result)
        if found is None and data is request.POST:
            found = find_bad_text({name: upload.name or "" for name, upload in request.FILES.items()})
        if found is not None:
            raise errors.InvalidCharacters(*found)
        return result


class PropDeskApi(NinjaAPI):
    """The API whose OpenAPI document lists, for every operation, the errors it can answer with besides those
    its handler declares (``errors.COMMON_ERRORS``): 429 wherever a bearer token is accepted (all of them), 415
    wherever a JSON body is read, 409 wherever an ``expected_version`` is sent. Clients and the schemathesis run
    in CI (``tests/test_api_fuzz.py``) then find every status code they can get documented."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        errors.document_responses(schema)
        return schema


def build_api(routers) -> NinjaAPI:
    """The ``/api/v1/`` instance with every router in ``routers`` mounted at its root."""
    api = PropDeskApi(
        title="PropDesk API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api-v1",
        auth=[TokenAuth(), SessionAuth()],
        docs=OfflineSwagger(),
        docs_url="/docs",
        openapi_url="/openapi.json",
        parser=JsonBodyParser(),
    )
    errors.install(api)
    for router in routers:
        api.add_router("", router)
    return api
