import json


def test_smoke(world, api_a, control_center_a):
    r = api_a.post(
        "/api/v1/tickets",
        {
            "kind": "repair",
            "content": "水管漏水",
            "channel": "phone",
            "household_id": world.household_a.pk,
            "contact_phone": "13812345678",
        },
    )
    print(r.status_code, json.dumps(r.json(), ensure_ascii=False, indent=1))
    tid = r.json()["id"]
    for body in [
        {"kind": 3, "channel": "x"},
        "[1,2]",
        "{bad",
        {"kind": "repair", "content": "", "channel": "phone", "unit_id": 9999},
        {"kind": "repair", "content": "x", "channel": "phone", "community_id": "abc", "received_at": "yesterday"},
    ]:
        r = api_a.post("/api/v1/tickets", body)
        print(r.status_code, json.dumps(r.json(), ensure_ascii=False))
    r = api_a.post(f"/api/v1/tickets/{tid}/hand-off", "")
    print("handoff empty", r.status_code, r.content[:300].decode())
    r = api_a.get("/api/v1/tickets", {"limit": 500, "status": ["new", "bogus"]})
    print(r.status_code, r.content.decode())
    r = api_a.post(
        "/api/v1/tickets",
        {"kind": "repair", "content": "y", "channel": "phone", "household_id": world.household_a.pk},
        headers={"Idempotency-Key": ""},
    )
    print("emptykey", r.status_code, r.content.decode()[:300])
    r = api_a.get("/api/v1/tickets", HTTP_ACCEPT_LANGUAGE="en", data={"limit": "x"})
    print(r.status_code, r.content.decode())
    r = api_a.get("/api/v1/docs")
    print(r.status_code, r.content.decode())
