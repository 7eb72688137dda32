"""The pages over plain HTTP: sign-in and its throttle, CSRF on every form, data scope by URL,
inline errors in Chinese, duplicate warnings, error pages, the empty and the demo database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from mediation import Actor, Engine

from .conftest import PASSWORD, Server, Session, csrf_of, person, prepare, text_of

BASE = {
    "channel": "walk_in",
    "category": "neighbor",
    "unit": "qt-dm-dmc",
    "risk": "low",
    "summary": "雨棚排水纠纷，申请人请求拆除并赔偿。",
    "claims": "拆除雨棚\n赔偿维修费",
    "amount": "3000",
    "location": "青田县/东门镇/东门村",
}


def three_parties(workflow: str = "dispute") -> dict[str, str]:
    """An intake form: the case fields and three parties nobody else registered."""
    form = {**BASE, "workflow": workflow}
    for i, role in enumerate(("applicant", "applicant", "respondent")):
        for key, value in person(role).items():
            form[f"parties.{i}.{key}"] = value
    return form


def register(s: Session, **changes: str) -> str:
    """Register a three-party case through the intake form; return its id."""
    data = {**three_parties(), **changes}
    response = s.post("/cases/new", data)
    assert response.status_code == 200, text_of(response.text)[:800]
    found = re.fullmatch(r"/cases/([0-9a-f]+)", response.url.path)
    assert found is not None, response.url
    return found.group(1)


def test_sign_in_sign_out_and_the_audit(site: Server) -> None:
    """A page needs a session; signing in and out is audited; the cookie is HttpOnly, SameSite."""
    s = Session(site.url)
    first = s.get("/cases")
    assert first.url.path == "/login"
    response = s.login("clerk")
    assert response.url.path == "/"
    cookie = next(
        h for h in response.history[0].headers.get_list("set-cookie") if "mediation_session" in h
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert s.get("/cases").url.path == "/cases"
    out = s.post("/logout")
    assert out.url.path == "/login"
    assert "您已退出登录" in out.text
    assert s.get("/cases").url.path == "/login"
    kinds = [e.kind for e in site.store.audit_entries(logins=["clerk"], limit=5)]
    assert kinds[:2] == ["sign_out", "sign_in"]
    s.close()


def test_a_wrong_password_three_times_makes_the_next_attempt_wait(site: Server) -> None:
    """After three failures even the right password is refused for a while (429)."""
    site.store.add_user("throttled", password=PASSWORD, roles=["clerk"], unit="qt-dm-dmc")
    s = Session(site.url)
    statuses = []
    for _ in range(3):
        page = s.get("/login")
        r = s.http.post(
            "/login",
            data={"login": "throttled", "password": "wrong-one", "csrf_token": csrf_of(page.text)},
        )
        statuses.append(r.status_code)
    assert statuses == [401, 401, 429]
    assert "失败次数过多" in r.text
    right = s.login("throttled")
    assert right.status_code == 429
    assert right.url.path == "/login"
    assert re.search(r"请\d+秒后再试", text_of(right.text))
    kinds = [e.kind for e in site.store.audit_entries(logins=["throttled"], limit=10)]
    assert kinds == ["sign_in_refused", "sign_in_locked", "sign_in_failed", "sign_in_failed"]
    s.close()


def test_every_form_refuses_a_post_without_the_csrf_token(
    site: Server, session: Callable[[str], Session]
) -> None:
    """Every page route taking POST answers 403 without the session's token (and with a
    wrong one), and nothing is changed."""
    s = session("admin")
    clerk = session("clerk")
    case_id = register(clerk)
    posts = [
        r.path
        for r in site.app.routes
        if isinstance(r, Route) and "POST" in (r.methods or ()) and not r.path.startswith("/api/")
    ]
    assert len(posts) >= 12
    values = {
        "case_id": case_id,
        "name": "withdraw",
        "kind": "application",
        "login": "clerk",
        "id": "1",
    }
    for path in posts:
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        if url == "/login":
            continue
        for token in ([], [("csrf_token", "forged")]):
            response = s.post(url, [("reason", "x"), *token], csrf=False)
            assert response.status_code == 403, (url, response.status_code)
            assert "安全令牌" in response.text
    login_page = Session(site.url)
    assert (
        login_page.http.post("/login", data={"login": "clerk", "password": PASSWORD}).status_code
        == 403
    )
    login_page.close()
    assert clerk.get(f"/cases/{case_id}").status_code == 200
    assert "已登记" in clerk.get(f"/cases/{case_id}").text


def test_a_clerk_of_another_village_cannot_open_the_case_by_url(
    session: Callable[[str], Session],
) -> None:
    """The other village's clerk gets "not found" for the case page, its documents and its
    steps, and its list does not show it; the case is unchanged."""
    clerk = session("clerk")
    form = three_parties()
    case_id = register(clerk, **form)
    name, ident = form["parties.0.name"], form["parties.0.id_number"]
    other = session("clerk2")
    for path in ("", "/documents", "/documents/application/print", "/documents/application.docx"):
        page = other.get(f"/cases/{case_id}{path}")
        assert page.status_code == 404, path
        assert name not in page.text
        assert "没有找到这个案件" in page.text
    fired = other.post(f"/cases/{case_id}/steps/withdraw", {"reason": "撤回", "version": "1"})
    assert fired.status_code == 404
    assert case_id not in other.get("/cases").text
    assert case_id not in other.get("/cases", params={"q": name}).text
    assert case_id not in other.get("/cases", params={"q": ident}).text
    assert "已登记" in clerk.get(f"/cases/{case_id}").text


def test_intake_names_the_bad_field_in_chinese_and_keeps_the_input(
    session: Callable[[str], Session],
) -> None:
    """A wrong resident ID comes back beside its field, in Chinese, with everything typed kept."""
    clerk = session("clerk")
    form = three_parties()
    good = form["parties.1.id_number"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = clerk.post("/cases/new", {**form, "parties.1.id_number": bad})
    assert response.status_code == 422
    text = text_of(response.text)
    assert "“当事人 第2项 › 公民身份号码”：公民身份号码无效" in text
    assert f'value="{form["parties.1.name"]}"' in response.text
    assert "雨棚排水纠纷" in response.text
    assert re.search(r'has-error">\s*<label for="p1-id"', response.text)
    missing = clerk.post("/cases/new", {**three_parties(), "summary": " "})
    assert missing.status_code == 422
    assert "“纠纷简要情况”：须写明请求、事实和理由" in text_of(missing.text)
    more = clerk.post("/cases/new", {**three_parties(), "add_party": "1"})
    assert more.status_code == 200
    assert 'name="parties.3.name"' in more.text


def test_a_step_form_shows_refusals_with_the_article(session: Callable[[str], Session]) -> None:
    """Steps the user may not take are listed with the reason; a refused step keeps the input."""
    clerk = session("clerk")
    case_id = register(clerk)
    page = clerk.get(f"/cases/{case_id}")
    assert 'action="/cases/' + case_id + '/steps/triage"' in page.text
    mediator = session("mediator")
    for trigger, data in (
        ("triage", {"track": "people", "level": "village"}),
        ("accept", {}),
    ):
        version = re.search(r'name="version" value="(\d+)"', clerk.get(f"/cases/{case_id}").text)
        assert version is not None
        ok = clerk.post(f"/cases/{case_id}/steps/{trigger}", {**data, "version": version.group(1)})
        assert ok.status_code == 200
        assert "已完成" in ok.text
    page = mediator.get(f"/cases/{case_id}")
    if f"/cases/{case_id}/steps/inform_rights" in page.text:  # where the workflow asks first
        v = re.search(r'name="version" value="(\d+)"', page.text)
        assert v is not None
        mediator.post(f"/cases/{case_id}/steps/inform_rights", {"version": v.group(1)})
        page = mediator.get(f"/cases/{case_id}")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    fired = mediator.post(
        f"/cases/{case_id}/steps/start_mediation",
        {"mediators[]": "mediator", "version": version.group(1)},
    )
    assert "已完成：开始调解" in fired.text
    page = mediator.get(f"/cases/{case_id}")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    refused = mediator.post(
        f"/cases/{case_id}/steps/terminate",
        {"reason": "双方分歧过大", "version": version.group(1)},
    )
    assert refused.status_code == 422
    text = text_of(refused.text)
    assert "终止调解须告知当事人" in text
    assert "《人民调解法》第二十六条" in text
    assert "双方分歧过大" in refused.text
    clerk_view = text_of(clerk.get(f"/cases/{case_id}").text)
    assert "暂不能办理的步骤" in clerk_view
    assert "需要以下角色之一" in clerk_view


def test_the_dashboard_queue_assigns_a_handler(session: Callable[[str], Session]) -> None:
    """An accepted case without a handler is in the mediator's queue; assigning from there
    fires the workflow's step with the handler and moves it to the mediator's own cases."""
    clerk = session("clerk")
    case_id = register(clerk)
    for trigger, data in (("triage", {"track": "people", "level": "village"}), ("accept", {})):
        v = re.search(r'name="version" value="(\d+)"', clerk.get(f"/cases/{case_id}").text)
        assert v is not None
        clerk.post(f"/cases/{case_id}/steps/{trigger}", {**data, "version": v.group(1)})
    mediator = session("mediator")
    if f"/cases/{case_id}/steps/inform_rights" in mediator.get(f"/cases/{case_id}").text:
        v = re.search(r'name="version" value="(\d+)"', mediator.get(f"/cases/{case_id}").text)
        assert v is not None
        mediator.post(f"/cases/{case_id}/steps/inform_rights", {"version": v.group(1)})
    board = mediator.get("/")
    queue = board.text.split('id="queue"', 1)[1].split("</section>", 1)[0]
    assert f"/cases/{case_id}/steps/start_mediation" in queue
    v = re.search(
        rf'/cases/{case_id}/steps/start_mediation".*?name="version" value="(\d+)"', queue, re.S
    )
    assert v is not None
    done = mediator.post(
        f"/cases/{case_id}/steps/start_mediation",
        {"mediators[]": "mediator", "version": v.group(1), "return_to": "/#queue"},
    )
    assert done.url.path == "/"
    assert "已完成：开始调解" in done.text
    inbox = done.text.split('id="today"', 1)[1].split("</section>", 1)[0]
    assert f"/cases/{case_id}" in inbox


def test_the_case_list_filters_by_party_id_name_and_state(
    session: Callable[[str], Session],
) -> None:
    """ID number (indexed), part of a name, and state filters; pages link forward."""
    clerk = session("clerk")
    case_id = register(
        clerk, **{"parties.0.name": "欧阳修远", "parties.0.id_number": "11010519491231002X"}
    )
    by_id = clerk.get("/cases", params={"q": "11010519491231002X"})
    assert case_id in by_id.text
    assert by_id.text.count('href="/cases/') - by_id.text.count('href="/cases/new"') <= 3
    by_name = clerk.get("/cases", params={"q": "欧阳"})
    assert case_id in by_name.text
    assert "已比对" in by_name.text
    other_state = clerk.get("/cases", params={"state": "closed"})
    assert case_id not in other_state.text


def test_pages_work_on_the_demo_database(tmp_path: Path) -> None:
    """``mediation demo``'s database: every page of the closed demo case answers."""
    from typer.testing import CliRunner

    from mediation.cli import app

    db = tmp_path / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    prepare(db)
    server = Server(db)
    try:
        s = Session(server.url)
        assert s.login("director").url.path == "/"
        listing = s.get("/cases")
        case_id = re.search(r'href="/cases/([0-9a-f]{32})"', listing.text)
        assert case_id is not None
        for path in ("/", "/stats", "/cases/new", "/account"):
            assert s.get(path).status_code == 200, path
        for path in ("", "/documents", "/documents/mediation_agreement/print"):
            page = s.get(f"/cases/{case_id.group(1)}{path}")
            assert page.status_code == 200, path
        page = s.get(f"/cases/{case_id.group(1)}")
        assert "已结案" in page.text
        assert "为什么是这一天" in page.text
        # the parties' 司法确认 window outlives the closing (《人民调解法》第三十三条)
        assert "当事人的期间，不因结案而终止" in page.text
        assert "已取消" not in text_of(page.text)
        assert "<svg" in page.text
        s.close()
    finally:
        server.stop()


def test_an_empty_database_asks_the_admin_for_the_first_unit(tmp_path: Path) -> None:
    """No organisation yet: pages say so; the admin creates the first unit from the page."""
    from mediation.web import WebStore

    from .conftest import CHEAP

    db = tmp_path / "empty.db"
    Engine.sqlite(str(db)).close()
    store = WebStore.sqlite(db, hasher=CHEAP)
    store.add_user("root", password=PASSWORD, roles=["admin"], unit="town")
    store.add_user("someone", password=PASSWORD, roles=["clerk"], unit="town")
    store.close()
    server = Server(db)
    try:
        clerk = Session(server.url)
        assert clerk.login("someone").status_code == 200
        assert "尚未建立组织机构" in clerk.get("/cases").text
        admin = Session(server.url)
        page = admin.login("root")
        assert "尚未建立组织机构" in page.text
        made = admin.post(
            "/admin/units",
            {
                "id": "town",
                "name": "东门镇人民调解委员会",
                "level": "town",
                "code_prefix": "东镇调",
                "kind": "committee",
            },
        )
        assert made.status_code == 200
        assert "已保存单位" in made.text
        assert "期限预警" in clerk.get("/").text
        clerk.close()
        admin.close()
    finally:
        server.stop()
    with Engine.sqlite(str(db), reader=Actor.system()) as engine:
        assert engine.org is not None
        assert "town" in engine.org


def test_errors_are_pages_in_chinese_never_tracebacks(
    site: Server, session: Callable[[str], Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown page, a wrong method, and a failure inside a view: Chinese pages."""
    s = session("clerk")
    missing = s.get("/no/such/page")
    assert missing.status_code == 404
    assert "没有这个页面" in missing.text
    assert s.http.put("/cases").status_code == 405

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(site.engine, "find", boom)
    failed = s.get("/cases")
    assert failed.status_code == 500
    assert "系统内部错误" in failed.text
    assert "secret internal detail" not in failed.text
    assert "Traceback" not in failed.text
    api = httpx.get(f"{site.url}/api/v1/nothing")
    assert api.status_code == 404
    assert api.json()["error"]["message"] == "没有这个接口"


def test_a_session_ends_after_the_idle_time(tmp_path: Path) -> None:
    """A session unused longer than the idle time is gone: the next page asks to sign in."""
    from mediation.web.context import WebConfig

    db = tmp_path / "idle.db"
    prepare(db)
    server = Server(db, WebConfig(webhooks=False, session_idle=dt.timedelta(minutes=5)))
    now = [dt.datetime.now(dt.UTC)]
    server.store.clock = lambda: now[0]
    try:
        s = Session(server.url)
        assert s.login("clerk").url.path == "/"
        now[0] += dt.timedelta(minutes=4)
        assert s.get("/cases").url.path == "/cases"
        now[0] += dt.timedelta(minutes=6)
        assert s.get("/cases").url.path == "/login"
        s.close()
    finally:
        server.stop()


@pytest.fixture
def keyed_site(tmp_path: Path) -> Iterator[Server]:
    """A server whose engine also runs a workflow with case keys (duplicate detection)."""
    from .keyed import KEYED

    db = tmp_path / "keyed.db"
    prepare(db)
    server = Server(db, workflows=[KEYED])
    try:
        yield server
    finally:
        server.stop()


def test_intake_warns_of_duplicates_before_registering(keyed_site: Server) -> None:
    """A registration sharing a party's ID with a case is shown the case first; confirming
    registers it."""
    s = Session(keyed_site.url)
    s.login("clerk")
    data = three_parties("keyed")
    first = s.post("/cases/new", data)
    assert re.fullmatch(r"/cases/[0-9a-f]+", first.url.path)
    again = s.post("/cases/new", data)
    assert again.status_code == 409
    text = text_of(again.text)
    assert "发现可能重复或相关的案件" in text
    assert f"party:{data['parties.0.id_number']}" in text
    assert 'name="confirm_duplicates" value="1"' in again.text
    confirmed = s.post("/cases/new", {**data, "confirm_duplicates": "1"})
    assert re.fullmatch(r"/cases/[0-9a-f]+", confirmed.url.path)
    assert confirmed.url.path != first.url.path
    s.close()


def test_the_case_page_serves_any_registered_workflow(keyed_site: Server) -> None:
    """A workflow without a page of its own: its states in the diagram, its trigger as a
    step with a form, fired from the page."""
    s = Session(keyed_site.url)
    s.login("clerk")
    made = s.post("/cases/new", three_parties("keyed"))
    case_id = made.url.path.rsplit("/", 1)[1]
    page = s.get(f"/cases/{case_id}")
    assert "登记查重（测试）" in page.text
    assert ">已办结</text>" in page.text
    assert f'action="/cases/{case_id}/steps/close"' in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    done = s.post(f"/cases/{case_id}/steps/close", {"version": version.group(1)})
    assert "已完成：办结" in done.text
    assert 'state-closed">已办结' in done.text
    s.close()


@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")  # as test_formats.py
def test_documents_download_as_pdf(session: Callable[[str], Session]) -> None:
    """The registration form as PDF (needs WeasyPrint and a CJK font; skipped without the
    font except under CI, as the library's own PDF tests)."""
    import os
    import shutil
    import subprocess

    fonts = ""
    if shutil.which("fc-list"):
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if not fonts.strip() and not os.environ.get("CI"):
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    clerk = session("clerk")
    case_id = register(clerk)
    pdf = clerk.get(f"/cases/{case_id}/documents/registration.pdf")
    assert pdf.status_code == 200, text_of(pdf.text)[:300]
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in pdf.headers["content-disposition"]


def _backdated(engine: Engine, days: int, category: str, unit: str = "qt-dm-dmc") -> str:
    """A case registered ``days`` ago through the engine (the pages only ever say "now")."""
    from mediation import Party, Place
    from mediation.model import CHINA_TZ

    clerk = Actor("seed-clerk", {"clerk"}, unit, "种子")
    parties = [person("applicant"), person("respondent")]
    case = engine.intake(
        workflow="dispute",
        channel="phone",
        category=category,
        unit=unit,
        summary="宅前通道纠纷，申请人请求恢复通行。",
        parties=[
            Party.person(p["name"], id_number=p["id_number"], role=p["role"]) for p in parties
        ],
        location=[Place("青田县"), Place("东门镇")],
        actor=clerk,
        at=dt.datetime.now(CHINA_TZ) - dt.timedelta(days=days),
    )
    return case.id


def test_the_case_list_filters_by_clock_category_and_unit_within_scope(
    site: Server, session: Callable[[str], Session]
) -> None:
    """An acceptance clock 40 days old is overdue: listed under 已超期 and red on 工作台 with
    its due date; a fresh case is not. Category and unit filter; a unit outside the user's
    scope shows nothing, whatever the URL says."""
    late = _backdated(site.engine, 40, "family")
    fresh = _backdated(site.engine, 0, "contract")
    clerk = session("clerk")
    overdue = clerk.get("/cases", params={"clock": "overdue"}).text
    assert late in overdue
    assert fresh not in overdue
    family = clerk.get("/cases", params={"category": "family"}).text
    assert late in family
    assert fresh not in family
    mine = clerk.get("/cases", params={"unit": "qt-dm-dmc", "category": "contract"}).text
    assert fresh in mine
    board = clerk.get("/").text
    clocks = board.split('id="clocks"', 1)[1].split("</section>", 1)[0]
    assert f"/cases/{late}" in clocks
    assert "level-row-overdue" in clocks
    due = site.engine.get(late, actor=Actor.system()).open_deadlines[0].due
    assert due.isoformat() in clocks
    other = session("clerk2")
    for params in ({"unit": "qt-dm-dmc"}, {"unit": "qt", "clock": "overdue"}):
        text = other.get("/cases", params=params).text
        assert late not in text
        assert fresh not in text


def test_the_case_list_pages_forward_and_back(tmp_path: Path) -> None:
    """Pages of ``page_size`` cases, oldest first, with 下一页 / 上一页 links that keep the filters."""
    from mediation.web.context import WebConfig

    db = tmp_path / "pages.db"
    prepare(db)
    server = Server(db, WebConfig(webhooks=False, page_size=2))
    try:
        ids = [_backdated(server.engine, days, "family") for days in (3, 2, 1)]
        s = Session(server.url)
        s.login("clerk")
        first = s.get("/cases", params={"category": "family"}).text
        assert [i for i in ids if i in first] == ids[:2]
        assert "下一页" in first
        assert "上一页" not in first
        link = re.search(r'href="(/cases\?[^"]*page=1)"', first)
        assert link is not None
        second = s.get(link.group(1).replace("&amp;", "&")).text
        assert [i for i in ids if i in second] == ids[2:]
        assert "上一页" in second
        assert "下一页" not in second
        s.close()
    finally:
        server.stop()


def test_the_statistics_page_charts_the_engines_figures(
    site: Server, session: Callable[[str], Session]
) -> None:
    """统计 shows ``Engine.statistics`` of this year to date with bar charts and the backlog's
    line; another window is chosen by date; a bad date is named in Chinese, not an error page."""
    _backdated(site.engine, 0, "debt")
    director = session("director")
    page = director.get("/stats")
    assert page.status_code == 200
    text = text_of(page.text)
    for label in ("受理（件）", "化解率", "按期办结率", "受理渠道", "纠纷类别", "在办案件走势"):
        assert label in text
    assert site.engine.policy.categories["debt"].label in text
    assert '<svg class="bar"' in page.text
    assert "<polyline" in page.text
    empty = director.get("/stats", params={"since": "2000-01-01", "until": "2000-01-31"})
    assert empty.status_code == 200
    assert "期内没有受理案件" in text_of(empty.text)
    assert "2000-01-01 至 2000-01-31" in text_of(empty.text)
    bad = director.get("/stats", params={"since": "2026-13-01"})
    assert bad.status_code == 422
    assert "日期格式应为" in text_of(bad.text)
    backwards = director.get("/stats", params={"since": "2026-02-01", "until": "2026-01-01"})
    assert "截止日期不能早于起始日期" in text_of(backwards.text)


def test_a_director_manages_the_users_of_the_own_unit_only(
    site: Server, session: Callable[[str], Session]
) -> None:
    """组织与用户 for a director: add a clerk of the own committee and change it; never
    a user of another village, never the admin role, never an admin's account."""
    director = session("director")
    page = director.get("/admin")
    assert page.status_code == 200
    assert 'action="/admin/users"' in page.text
    assert 'name="roles" value="admin"' not in page.text
    base = {"name": "孙新", "unit": "qt-dm-dmc", "password": PASSWORD, "again": PASSWORD}
    added = director.post("/admin/users", [("login", "sun-new"), ("roles", "clerk"), *base.items()])
    assert added.status_code == 200
    assert "已添加用户 sun-new" in added.text
    assert site.store.user("sun-new") is not None
    changed = director.post(
        "/admin/users/sun-new", [("roles", "clerk"), ("roles", "mediator"), ("active", "on")]
    )
    assert "已保存用户 sun-new" in changed.text
    user = site.store.user("sun-new")
    assert user is not None
    assert user.roles == {"clerk", "mediator"}
    other_village = director.post(
        "/admin/users",
        [("login", "xc-new"), ("roles", "clerk"), *{**base, "unit": "qt-dm-xc"}.items()],
    )
    assert other_village.status_code == 403
    as_admin = director.post("/admin/users", [("login", "boss"), ("roles", "admin"), *base.items()])
    assert as_admin.status_code == 403
    assert "只有系统管理员" in as_admin.text
    assert site.store.user("xc-new") is None
    assert site.store.user("boss") is None
    promote = director.post("/admin/users/sun-new", [("roles", "admin"), ("active", "on")])
    assert promote.status_code == 403
    assert director.post("/admin/users/admin", [("active", "")]).status_code == 403
    admin = site.store.user("admin")
    assert admin is not None
    assert admin.active
    clerk = session("clerk")
    assert clerk.get("/admin").status_code == 403
    assert clerk.post("/admin/users", [("login", "x1"), *base.items()]).status_code == 403
