"""The OpenAPI document is valid OpenAPI and describes every operation in Chinese."""

import json
import re

import pytest
from openapi_spec_validator import validate

API = "/api/v1"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(client, db) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_the_schema_is_valid_openapi(schema):
    # then: raises on the first violation of the OpenAPI 3 specification
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_every_operation_has_a_chinese_summary_or_description(schema):
    # then
    missing = [
        name
        for name, operation in operations(schema)
        if not CHINESE.search(operation.get("summary", "")) and not CHINESE.search(operation.get("description", ""))
    ]
    assert missing == []


def test_the_page_capabilities_are_in_the_schema(schema):
    # then: tickets, deadlines and escalations, the inbox and the registers
    assert set(schema["paths"]) >= {
        f"{API}/tickets/mine",
        f"{API}/tickets/{{ticket_id}}/notes",
        f"{API}/tickets/{{ticket_id}}/links",
        f"{API}/tickets/{{ticket_id}}/request-decision",
        f"{API}/tickets/{{ticket_id}}/replies",
        f"{API}/tickets/{{ticket_id}}/attachments",
        f"{API}/tickets/{{ticket_id}}/attachments/{{attachment_id}}",
        f"{API}/tickets/{{ticket_id}}/assignable-staff",
        f"{API}/tickets/{{ticket_id}}/deadlines",
        f"{API}/escalations",
        f"{API}/escalations/{{step_id}}/acknowledge",
        f"{API}/notifications",
        f"{API}/notifications/unread-count",
        f"{API}/notifications/read-all",
        f"{API}/notifications/{{notification_id}}/read",
        f"{API}/registers",
        f"{API}/registers/calls",
        f"{API}/registers/{{slug}}",
        f"{API}/registers/{{slug}}/export.xlsx",
    }
    for path in ("notes", "links", "request-decision"):
        operation = schema["paths"][f"{API}/tickets/{{ticket_id}}/{path}"]["post"]
        assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}, path
    export = schema["paths"][f"{API}/registers/{{slug}}/export.xlsx"]["get"]["responses"]["200"]
    assert set(export["content"]) == {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# --- the schema tells the truth about what a client can get and send ----------------------------------------


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def unbounded_integers(schema: dict, node: dict, where: str) -> list[str]:
    """Integer inputs below ``node`` without both a minimum and a maximum."""
    node = resolve(schema, node)
    found = []
    if node.get("type") == "integer" and not {"minimum", "maximum"} <= node.keys():
        found.append(where)
    for key in ("anyOf", "oneOf", "allOf"):
        for alternative in node.get(key, []):
            found += unbounded_integers(schema, alternative, where)
    for name, prop in node.get("properties", {}).items():
        found += unbounded_integers(schema, prop, f"{where}.{name}")
    if "items" in node:
        found += unbounded_integers(schema, node["items"], f"{where}[]")
    return found


def test_every_operation_documents_the_errors_it_can_answer(schema):
    # then: the common errors everywhere, 429 for a throttled token everywhere, 415 where JSON is read,
    # 409 where an expected_version is sent
    missing = []
    for name, operation in operations(schema):
        expected = {"400", "401", "403", "404", "422", "429"}
        body = operation.get("requestBody", {}).get("content", {})
        if "application/json" in body:
            expected.add("415")
            if "expected_version" in json.dumps(resolve(schema, body["application/json"]["schema"])):
                expected.add("409")
        if not expected <= set(operation["responses"]):
            missing.append((name, sorted(expected - set(operation["responses"]))))
    assert missing == []
    assert "409" in schema["paths"][f"{API}/tickets/by-number/{{number}}"]["get"]["responses"]
    error = schema["paths"][f"{API}/tickets"]["post"]["responses"]["429"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorOut"}


def test_every_integer_a_client_sends_is_bounded(schema):
    # then: ids, versions, offsets and limits fit their columns (use propdesk.api.schemas.Id, Version, PageParams)
    found = []
    for name, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            found += unbounded_integers(schema, parameter["schema"], f"{name} {parameter['name']}")
        for content in operation.get("requestBody", {}).get("content", {}).values():
            found += unbounded_integers(schema, content["schema"], f"{name} body")
    assert found == [], "integers without bounds: use propdesk.api.schemas.Id / Version / PageParams"
    offset = next(p for p in schema["paths"][f"{API}/tickets"]["get"]["parameters"] if p["name"] == "offset")
    assert (offset["schema"]["minimum"], offset["schema"]["maximum"]) == (0, 1_000_000)
    ticket_id = schema["paths"][f"{API}/tickets/{{ticket_id}}"]["get"]["parameters"][0]["schema"]
    assert (ticket_id["minimum"], ticket_id["maximum"]) == (1, 2**63 - 1)


@pytest.mark.parametrize(
    ("component", "field", "min_length", "max_length"),
    [
        ("TicketCreateIn", "content", 1, 5000),
        ("TicketCreateIn", "title", None, 100),
        ("ReplyIn", "content", 1, 5000),
        ("NoteIn", "text", 1, 5000),
        ("DecisionIn", "reason", 1, 500),
        ("TransitionIn", "reason", None, 5000),
        ("InteractionIn", "content", 1, 5000),
        ("InteractionIn", "caller_name", None, 50),
    ],
)
def test_the_text_limits_the_services_enforce_are_in_the_schema(schema, component, field, min_length, max_length):
    prop = schema["components"]["schemas"][component]["properties"][field]
    assert (prop.get("minLength"), prop.get("maxLength")) == (min_length, max_length)


def test_dates_say_their_range_and_times_of_day_need_no_offset(schema):
    received = next(p for p in schema["paths"][f"{API}/tickets"]["get"]["parameters"] if p["name"] == "received_from")
    assert "2000-01-01 至 2099-12-31" in json.dumps(received, ensure_ascii=False)
    shift = schema["components"]["schemas"]["ShiftOut"]["properties"]["starts"]
    assert "format" not in shift
    assert shift["pattern"].startswith("^")


def test_no_status_is_listed_twice(client, db):
    # then: the served document has no duplicate keys (Swagger UI refuses to render one)
    pairs = []
    json.loads(client.get(f"{API}/openapi.json").content, object_pairs_hook=lambda p: pairs.append(p) or dict(p))
    duplicated = [keys for keys in ([k for k, _ in p] for p in pairs) if len(keys) != len(set(keys))]
    assert duplicated == []


def _models_within(model, seen: set) -> None:
    """``model`` and every pydantic model its fields name, however deeply nested (lists, unions, optionals)."""
    import typing

    from pydantic import BaseModel

    if model in seen:
        return
    seen.add(model)
    stack = [field.annotation for field in model.model_fields.values()]
    while stack:
        annotation = stack.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _models_within(annotation, seen)
        stack.extend(typing.get_args(annotation))


def test_no_two_schemas_of_the_api_share_a_name():
    """django-ninja files schemas under their class name in the OpenAPI components: two different classes with
    one name (a ``HouseholdOut`` of communities and one of complaints) would silently describe one of them with
    the other's fields, and clients and the fuzzer would check responses against the wrong schema."""
    from config.api import api

    api.get_openapi_schema()  # mounts every router (nested ones are attached when the API is first built)
    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    if model is not None:
                        _models_within(model, seen)
    by_name: dict[str, set] = {}
    for model in seen:
        if model.__module__.startswith("propdesk."):
            by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}, "rename one of each pair: " + json.dumps(clashes, ensure_ascii=False)
