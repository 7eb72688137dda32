"""The JSON API: its OpenAPI document validates, plain HTTP takes a case from intake to
closure, and a token sees exactly what its unit may see."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mediation.model import CHINA_TZ

from .conftest import Server, person


def parties() -> list[dict[str, str]]:
    """Two applicants and a respondent nobody else registered."""
    return [person("applicant"), person("applicant"), person("respondent")]


@pytest.fixture(scope="module")
def tokens(site: Server) -> dict[str, str]:
    """API tokens: the village committee's system, and another village's."""
    village, _ = site.store.add_token(
        "village-sys", roles=["clerk", "mediator", "director"], unit="qt-dm-dmc"
    )
    other, _ = site.store.add_token("xc-sys", roles=["clerk", "mediator"], unit="qt-dm-xc")
    return {"village": village, "other": other}


@pytest.fixture
def api(site: Server, tokens: dict[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{site.url}/api/v1",
        headers={"Authorization": f"Bearer {tokens['village']}"},
        timeout=30,
    ) as client:
        yield client


def _now() -> dt.datetime:
    return dt.datetime.now(CHINA_TZ)


def _intake(api: httpx.Client, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "workflow": "dispute",
        "channel": "walk_in",
        "category": "neighbor",
        "summary": "王五加装雨棚排水至申请人院内，申请人请求拆除并赔偿。",
        "parties": parties(),
        "claims": ["拆除雨棚", "赔偿维修费3000元"],
        "amount": "3000",
        "location": ["青田县", "东门镇", "东门村"],
        **extra,
    }
    response = api.post("/cases", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _step(api: httpx.Client, case: dict[str, Any], name: str, **inputs: Any) -> dict[str, Any]:
    response = api.post(
        f"/cases/{case['id']}/steps/{name}",
        json={"inputs": inputs, "expected_version": case["version"]},
    )
    assert response.status_code == 200, (name, response.text)
    return response.json()  # type: ignore[no-any-return]


def _has(api: httpx.Client, case: dict[str, Any], trigger: str) -> bool:
    """Whether the case's workflow version has ``trigger`` (steps a later version adds)."""
    for w in api.get("/workflows").json()["workflows"]:
        if (w["name"], w["version"]) == (case["workflow"], case["workflow_version"]):
            return trigger in {t["value"] for t in w["triggers"]}
    return False


def test_the_openapi_document_validates_and_names_every_steps_inputs(site: Server) -> None:
    """openapi-spec-validator accepts the document; each trigger's inputs class is a schema."""
    from openapi_spec_validator import validate

    doc = httpx.get(f"{site.url}/api/v1/openapi.json").json()
    validate(doc)
    schemas = doc["components"]["schemas"]
    agree = next(k for k in schemas if k.endswith("__AgreeInputs"))
    assert schemas[agree]["required"] == ["agreement"]
    agreement = schemas[agree]["properties"]["agreement"]
    assert agreement["title"] == "调解协议"
    nested = schemas[agreement["$ref"].rsplit("/", 1)[1]]
    assert nested["properties"]["performance_deadline"]["format"] == "date"
    assert "/cases/{case_id}/steps/{name}" in doc["paths"]


def test_plain_http_takes_a_case_from_intake_to_closure(api: httpx.Client) -> None:
    """Register, triage, mediate, agree, sign, perform, call back, close; then the log,
    the documents (a DOCX with the parties' names) and the lists agree."""
    case = _intake(api)
    assert case["state"] == "received"
    assert case["state_label"] == "已登记"
    steps = api.get(f"/cases/{case['id']}/steps").json()["steps"]
    triage = next(s for s in steps if s["name"] == "triage")
    assert "track" in triage["needs"]
    assert triage["inputs"]["properties"]["track"]["title"] == "调解途径"
    case = _step(api, case, "triage", track="people", level="village")
    case = _step(api, case, "accept")
    names = [p["name"] for p in case["intake"]["parties"]]
    if _has(api, case, "inform_rights"):  # 告知权利义务, where the workflow asks for it first
        case = _step(api, case, "inform_rights")
    case = _step(api, case, "start_mediation", mediators=["api:village-sys"])
    deadline = (_now() + dt.timedelta(days=10)).date().isoformat()
    agreement = {
        "form": "written",
        "facts": "雨棚排水致墙体受潮。",
        "disputed_matters": "排水及维修费用。",
        "responsibilities": "王五负主要责任。",
        "terms": ["王五拆除雨棚排水。", "王五支付维修费三千元。"],
        "performance_manner": "拆除；转账",
        "performance_place": "东门村",
        "performance_deadline": deadline,
    }
    case = _step(api, case, "agree", agreement=agreement)
    signed = _now().isoformat()
    for party in ("p1", "p2", "p3"):
        case = _step(api, case, "sign", capacity="party", party=party, signed_at=signed)
    case = _step(api, case, "sign", capacity="mediator", signer="陈调解", signed_at=signed)
    case = _step(
        api, case, "sign", capacity="committee", signer="东门村人民调解委员会", signed_at=signed
    )
    case = _step(api, case, "begin_performance")
    case = _step(api, case, "confirm_performed", note="已履行")
    case = _step(api, case, "start_callback")
    callback = next(
        s
        for s in api.get(f"/cases/{case['id']}/steps").json()["steps"]
        if s["name"] == "record_callback"
    )
    satisfaction = callback["inputs"]["properties"]["satisfaction"]
    happy = "satisfied" if "satisfied" in satisfaction.get("enum", []) else "满意"
    case = _step(
        api,
        case,
        "record_callback",
        visitor="陈调解",
        party=names[0],
        finding="performed",
        satisfaction=happy,
    )
    case = _step(api, case, "close", note="协议已履行")
    assert case["state"] == "closed"
    assert case["closed"] is True

    events = api.get(f"/cases/{case['id']}/history").json()["events"]
    assert [e["seq"] for e in events] == list(range(1, case["version"] + 1))
    assert events[-1]["trigger"] == "close"

    issued = api.post(f"/cases/{case['id']}/documents/mediation_agreement")
    assert issued.status_code == 200, issued.text
    assert issued.json()["number"].startswith("（")
    docx = api.get(f"/cases/{case['id']}/documents/mediation_agreement", params={"format": "docx"})
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
        body = z.read("word/document.xml").decode()
    assert all(name in body for name in names)
    listed = api.get("/cases", params={"state": "closed", "limit": 500}).json()["cases"]
    assert case["id"] in {c["id"] for c in listed}
    stats = api.get("/statistics").json()
    assert stats["received"] >= 1
    assert stats["closed_by"].get("agreement", 0) >= 1
    assert stats["resolved"] >= 1
    assert set(stats["clocks"]) == {"yellow", "red", "overdue"}
    today = _now().date().isoformat()
    window = api.get("/statistics", params={"since": today, "until": today}).json()
    assert (window["since"], window["until"]) == (today, today)
    bad = api.get("/statistics", params={"since": today, "until": "2000-01-01"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "until"


def test_the_case_list_pages_by_cursor_and_a_new_case_never_shifts_a_page(
    api: httpx.Client,
) -> None:
    """``next`` walks the list a page at a time, oldest first, each case once; a case
    registered while paging is not repeated on the next page; a bad cursor names ``after``."""
    for _ in range(5):
        _intake(api, category="debt")
    everything = api.get("/cases", params={"category": "debt", "limit": 500}).json()
    assert everything["next"] is None
    expected = [c["id"] for c in everything["cases"]]
    assert len(expected) >= 5
    walked: list[str] = []
    page = api.get("/cases", params={"category": "debt", "limit": 2}).json()
    late = _intake(api, category="debt")  # lands at the end: no page already shown shifts
    while True:
        assert len(page["cases"]) <= 2
        walked += [c["id"] for c in page["cases"]]
        if page["next"] is None:
            break
        page = api.get(
            "/cases", params={"category": "debt", "limit": 2, "after": page["next"]}
        ).json()
    assert walked == [*expected, late["id"]]
    bad = api.get("/cases", params={"after": "page-2"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "after"


def test_a_stale_version_is_a_conflict_and_changes_nothing(api: httpx.Client) -> None:
    """``expected_version`` older than the case: 409, and the case is as it was."""
    case = _intake(api)
    _step(api, case, "triage", track="people", level="village")
    stale = api.post(
        f"/cases/{case['id']}/steps/withdraw",
        json={"inputs": {"reason": "撤回"}, "expected_version": case["version"]},
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["message"] == "案件已被他人修改，请刷新"
    assert api.get(f"/cases/{case['id']}").json()["state"] == "triaged"


def test_a_bad_input_names_the_field_in_chinese(api: httpx.Client) -> None:
    """A validation error carries the dotted field, its label and the rule in Chinese."""
    bad = api.post(
        "/cases",
        json={
            "channel": "walk_in",
            "category": "neighbor",
            "summary": "x",
            "location": ["青田县", "东门镇", "东门村"],
            "parties": [
                {"name": "张三", "id_number": "332522196503120015", "phone": "13800000001"},
                person("respondent"),
            ],
        },
    )
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["field"] == "parties[0].id_number"
    assert "公民身份号码" in error["message"]
    assert "无效" in error["message"]
    case = _intake(api)
    refused = api.post(
        f"/cases/{case['id']}/steps/triage",
        json={"inputs": {"track": "nowhere", "level": "village"}},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "track"


def test_a_token_of_another_village_cannot_read_or_act_on_the_case(
    site: Server, api: httpx.Client, tokens: dict[str, str]
) -> None:
    """The other village's system gets 404 (as for a case that does not exist), and its
    list does not hold the case."""
    case = _intake(api)
    other = {"Authorization": f"Bearer {tokens['other']}"}
    base = f"{site.url}/api/v1"
    for path in ("", "/history", "/steps", "/documents"):
        response = httpx.get(f"{base}/cases/{case['id']}{path}", headers=other)
        assert response.status_code == 404, path
        assert case["intake"]["parties"][0]["name"] not in response.text
    fired = httpx.post(
        f"{base}/cases/{case['id']}/steps/withdraw", headers=other, json={"inputs": {"reason": "x"}}
    )
    assert fired.status_code == 404
    listed = httpx.get(f"{base}/cases", headers=other, params={"limit": 500}).json()["cases"]
    assert case["id"] not in {c["id"] for c in listed}
    assert api.get(f"/cases/{case['id']}").json()["version"] == 1


def test_requests_without_a_valid_token_are_refused(site: Server) -> None:
    """No token, a wrong one, or a revoked one: 401 with a Chinese message."""
    base = f"{site.url}/api/v1"
    assert httpx.get(f"{base}/cases").status_code == 401
    wrong = httpx.get(f"{base}/cases", headers={"Authorization": "Bearer mdt_nope"})
    assert wrong.status_code == 401
    assert "令牌" in wrong.json()["error"]["message"]
    token, _ = site.store.add_token("short-lived", roles=["clerk"], unit="qt-dm-dmc")
    ok = httpx.get(f"{base}/cases", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    site.store.revoke_token("short-lived")
    revoked = httpx.get(f"{base}/cases", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401
