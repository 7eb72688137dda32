"""The committee app in a real browser (Debian's headless chromium through Selenium).

One clerk registers a three-party case, triages and accepts it; a mediator
mediates to a written agreement, takes the signatures, issues the agreement
and downloads it (a DOCX with the parties' names), records the performance
and the callback; the director closes the case. A clerk of another village
cannot open it by its URL; three wrong passwords make the next sign-in
wait; a form without its CSRF token is refused.

Skipped, with the reason, where chromium is not installed — except under
``CI``, where a missing browser is a failure. Screenshots go to
``$MEDIATION_SCREENSHOTS`` (e.g. ``docs/screenshots``) when it is set.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mediation.model import CHINA_TZ

from .conftest import PASSWORD, Server, prepare

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# One browser and one site for the module: under pytest-xdist its tests stay on one worker,
# in order (scripts/test runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("browser")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

if os.environ.get("CI"):
    from selenium import webdriver  # under CI a missing selenium is a failure, not a skip
else:
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.expected_conditions import staleness_of  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        reason = f"chromium not installed ({', '.join(missing)}): apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


class Browser:
    """A headless chromium at 1366×768 with the helpers these tests use."""

    def __init__(self, base: str, downloads: Path, shots: Path) -> None:
        os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch anything
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--window-size=1366,768",
            "--lang=zh-CN",
            "--force-device-scale-factor=1",
        ):
            options.add_argument(arg)
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
        service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        self.base = base
        self.downloads = downloads
        self.shots = shots

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def find(self, css: str, within: Any = None) -> WebElement:
        element = (within or self.driver).find_element(By.CSS_SELECTOR, css)
        # Centre it, so that the sticky header never covers what is clicked.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        return element  # type: ignore[no-any-return]

    def text(self) -> str:
        return str(
            self.driver.execute_script("return document.body ? document.body.innerText : ''")
        )

    def path(self) -> str:
        return str(self.driver.execute_script("return location.pathname"))

    def login(self, login: str, password: str = PASSWORD) -> None:
        self.driver.delete_all_cookies()
        self.open("/login")
        self.find("#login").send_keys(login)
        self.find("#password").send_keys(password)
        self.submit(self.find("form[action='/login'] button[type=submit]"))

    def fill(self, element: WebElement, value: str) -> None:
        if element.tag_name == "select":
            options = [o.get_attribute("value") for o in Select(element).options]
            if value in options:
                Select(element).select_by_value(value)
            else:  # a label, e.g. 满意 where the values are codes
                Select(element).select_by_visible_text(value)
        elif element.get_attribute("type") in ("date", "datetime-local"):
            self.driver.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.clear()
            element.send_keys(value)

    def step(self, name: str, **fields: str) -> None:
        """Open a step's form on the case page, fill it, submit it, expect success."""
        details = self.find(f"#step-{name}")
        if details.get_attribute("open") is None:
            self.find("summary", details).click()
        form = self.find("form", details)
        for field, value in fields.items():
            if field.endswith("[]"):
                box = self.find(f"input[name='{field}'][value='{value}']", form)
                if not box.is_selected():
                    box.click()
                continue
            target = self.find(f"[name='{field}']", form)
            if target.get_attribute("type") == "checkbox":
                if (value == "on") != target.is_selected():
                    target.click()
            else:
                self.fill(target, value)
        self.submit(self.find("button[type=submit]", form))
        assert "已完成：" in self.text(), self.text()[:1500]

    def submit(self, button: WebElement) -> None:
        """Click a submit button and wait for the next page."""
        button.click()
        WebDriverWait(self.driver, 15).until(staleness_of(button))
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def shot(self, name: str, *, full: bool = True) -> None:
        """A PNG of the page (the whole page when ``full``)."""
        self.shots.mkdir(parents=True, exist_ok=True)
        params: dict[str, Any] = {"format": "png"}
        self.driver.execute_script("window.scrollTo(0, 0)")
        if full:
            size = self.driver.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            width = self.driver.execute_script("return window.innerWidth")
            params.update(
                captureBeyondViewport=True,
                clip={"x": 0, "y": 0, "width": max(width, size[0]), "height": size[1], "scale": 1},
            )
        data = self.driver.execute_cdp_cmd("Page.captureScreenshot", params)["data"]
        (self.shots / f"{name}.png").write_bytes(base64.b64decode(data))

    def wait_for_download(self, suffix: str, timeout: float = 20) -> Path:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [p for p in self.downloads.iterdir() if p.suffix == suffix]
            partial = [p for p in self.downloads.iterdir() if p.suffix == ".crdownload"]
            if done and not partial:
                return done[0]
            time.sleep(0.1)
        raise AssertionError(f"no {suffix} file was downloaded: {list(self.downloads.iterdir())}")

    def fits(self) -> bool:
        """The page needs no sideways scrolling at the window's width."""
        return bool(
            self.driver.execute_script(
                "return document.documentElement.scrollWidth <= window.innerWidth"
            )
        )

    def hidden_in_print(self, css: str) -> bool:
        """``css`` is not displayed when the page is printed (the print style sheet)."""
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            return bool(
                self.driver.execute_script(
                    "const e = document.querySelector(arguments[0]);"
                    "return e !== null && getComputedStyle(e).display === 'none'",
                    css,
                )
            )
        finally:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    def quit(self) -> None:
        self.driver.quit()


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _require_browser()
    db = tmp_path_factory.mktemp("browser") / "cases.db"
    prepare(db)
    _seed(db)
    server = Server(db)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(browser_site: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    shots = os.environ.get("MEDIATION_SCREENSHOTS")
    b = Browser(
        browser_site.url,
        tmp_path_factory.mktemp("downloads"),
        Path(shots) if shots else tmp_path_factory.mktemp("screenshots"),
    )
    try:
        yield b
    finally:
        b.quit()


def _seed(db: Path) -> None:
    """Cases registered in the past weeks, so that the pages show clocks in every colour."""
    from mediation import Actor, Engine, Party, Place

    clerk = Actor("seed-clerk", {"clerk", "mediator"}, "qt-dm-dmc", "种子数据")
    now = dt.datetime.now(CHINA_TZ).replace(microsecond=0)
    people = [
        ("刘一", "赵二"),
        ("孙七", "周八"),
        ("吴九", "郑十"),
        ("钱多", "冯少"),
        ("陈十一", "褚十二"),
    ]
    with Engine.sqlite(str(db)) as engine:
        for (applicant, respondent), (days, steps) in zip(
            people, ((1, 0), (4, 0), (9, 0), (24, 2), (40, 2)), strict=True
        ):
            when = now - dt.timedelta(days=days)
            case = engine.intake(
                workflow="dispute",
                channel="phone",
                category="homestead" if days > 5 else "neighbor",
                unit="qt-dm-dmc",
                summary=f"{applicant}与{respondent}宅前通道纠纷。",
                parties=[
                    Party.person(applicant, role="applicant", phone="13900000001"),
                    Party.person(respondent, role="respondent", address=f"东门村{respondent}家"),
                ],
                location=[Place("青田县"), Place("东门镇"), Place("东门村")],
                actor=clerk,
                at=when,
            )
            if steps:
                later = when + dt.timedelta(hours=2)
                engine.fire(
                    case.id, "triage", actor=clerk, at=later, track="people", level="village"
                )
                engine.fire(case.id, "accept", actor=clerk, at=later)


PARTIES = [
    ("applicant", "张三", "332522196503120014", "13800000001", "青田县东门镇东门村12号"),
    ("applicant", "李梅", "332522197008250027", "13800000002", "青田县东门镇东门村12号"),
    ("respondent", "王五", "332522195811040038", "13800000003", "青田县东门镇东门村14号"),
]


def _register(b: Browser) -> str:
    b.open("/cases/new")
    b.fill(b.find("#category"), "neighbor")
    b.fill(
        b.find("#summary"),
        "王五在自家院墙外加装雨棚，雨水排入张三、李梅家院内致墙体受潮，申请人请求拆除雨棚并赔偿维修费。",
    )
    b.fill(b.find("#claims"), "拆除或改造雨棚排水\n赔偿墙体维修费3000元")
    b.fill(b.find("#amount"), "3000")
    b.fill(b.find("#location"), "青田县/东门镇/东门村")
    b.submit(b.find("button[name=add_party]"))  # a third row for the third party
    for i, (role, name, ident, phone, address) in enumerate(PARTIES):
        b.fill(b.find(f"#p{i}-role"), role)
        b.fill(b.find(f"#p{i}-name"), name)
        b.fill(b.find(f"#p{i}-id"), ident)
        b.fill(b.find(f"#p{i}-phone"), phone)
        b.fill(b.find(f"#p{i}-address"), address)
    b.shot("intake")
    b.submit(b.find("form.intake .actions button.primary"))
    assert b.path() != "/cases/new", b.text()[:800]
    assert "已登记" in b.text()
    return b.path().rsplit("/", 1)[1]


def test_a_case_from_intake_to_closure_in_the_browser(browser: Browser) -> None:
    """The whole course of a three-party case, as the committee's people click through it."""
    b = browser
    b.login("clerk")
    assert b.path() == "/"
    case_id = _register(b)
    b.step("triage", track="people", level="village")
    b.step("accept")
    assert "已受理" in b.find(".page-head").text

    b.login("mediator")
    assert case_id in b.find("#queue").text or case_id in b.driver.page_source
    b.shot("dashboard")
    b.open(f"/cases/{case_id}")
    if b.driver.find_elements(By.CSS_SELECTOR, "#step-inform_rights"):
        b.step("inform_rights")  # 告知权利义务, where the workflow asks for it first
    b.step("start_mediation", **{"mediators[]": "mediator"})
    deadline = (dt.datetime.now(CHINA_TZ) + dt.timedelta(days=14)).date().isoformat()
    b.step(
        "agree",
        **{
            "agreement.facts": "王五于2026年在自家院墙外加装雨棚，雨水排入申请人院内，致其墙体受潮。",
            "agreement.disputed_matters": "雨棚排水是否侵害申请人相邻权及维修费用的承担。",
            "agreement.responsibilities": "王五负主要责任；张三、李梅负次要责任。",
            "agreement.terms": "王五自行拆除或改造雨棚排水。\n王五一次性支付维修费人民币三千元。",
            "agreement.performance_manner": "拆除改造雨棚；银行转账支付维修费",
            "agreement.performance_place": "青田县东门镇东门村",
            "agreement.performance_deadline": deadline,
        },
    )
    for party in ("p1", "p2", "p3"):
        b.step("sign", capacity="party", party=party)
    b.step("sign", capacity="mediator", signer="陈调解")
    b.step("sign", capacity="committee", signer="东门村人民调解委员会")
    b.shot("case")
    assert b.fits(), "the case page scrolls sideways at 1366×768"

    b.open(f"/cases/{case_id}/documents")
    b.submit(b.find("button[data-issue='mediation_agreement']"))
    assert "已出具" in b.text()
    b.shot("documents")
    b.find("#doc-mediation_agreement a[data-download='docx']").click()
    path = b.wait_for_download(".docx")
    from docx import Document

    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    text += "\n".join(c.text for t in Document(str(path)).tables for r in t.rows for c in r.cells)
    assert all(name in text for name in ("张三", "李梅", "王五")), text[:500]
    b.open(f"/cases/{case_id}/documents/mediation_agreement/print")
    frame = b.find("#doc-frame")
    b.driver.switch_to.frame(frame)
    assert "人民调解协议书" in b.text()
    b.driver.switch_to.default_content()
    assert b.hidden_in_print("header.top"), "the print view prints the app's header"
    assert b.hidden_in_print(".toolbar")
    b.shot("print", full=False)

    b.open(f"/cases/{case_id}")
    b.step("begin_performance")
    b.step("confirm_performed", note="雨棚已改造，维修费已付清")
    b.step("start_callback")
    b.step(
        "record_callback",
        visitor="陈调解",
        party="张三",
        performance="已全部履行",
        satisfaction="满意",
        recurrence="无",
    )

    b.login("director")
    b.open(f"/cases/{case_id}")
    b.step("close", note="协议已履行，回访满意")
    assert "已结案" in b.find(".page-head").text
    timeline = b.find("#timeline").text
    for label in (
        "受理登记",
        "分流",
        "受理",
        "开始调解",
        "达成协议",
        "签名盖章",
        "出具文书",
        "记录回访",
        "结案",
    ):
        assert label in timeline
    b.driver.set_window_size(820, 1180)  # a tablet held upright
    assert b.fits(), "the case page scrolls sideways on a tablet"
    b.shot("case-tablet")
    for path in ("/", "/cases", "/cases/new", "/stats"):
        b.open(path)
        assert b.fits(), f"{path} scrolls sideways on a tablet"
    b.driver.set_window_size(1366, 768)
    for path in ("/", "/cases/new", "/stats"):
        b.open(path)
        assert b.fits(), f"{path} scrolls sideways at 1366×768"
    b.open("/cases")
    assert b.fits(), "the case list scrolls sideways at 1366×768"
    b.shot("cases", full=False)
    b.open("/stats")
    assert b.driver.find_elements(By.CSS_SELECTOR, "svg.bar"), "the statistics have no chart"
    b.shot("stats", full=False)

    b.login("clerk2")
    b.open(f"/cases/{case_id}")
    assert "没有找到这个案件" in b.text()
    assert "张三" not in b.text()
    b.open(f"/cases/{case_id}/documents/mediation_agreement.docx")
    assert "没有找到这个案件" in b.text()


def test_three_wrong_passwords_delay_the_next_sign_in(browser: Browser) -> None:
    """After three wrong passwords the right one waits too, with a message in Chinese."""
    b = browser
    for _ in range(3):
        b.login("mediator", "not-the-password")
    assert "失败次数过多" in b.text()
    b.login("mediator")
    assert b.path() == "/login"
    assert "失败次数过多" in b.text()
    b.shot("login-locked", full=False)


def test_a_form_without_its_csrf_token_is_refused(browser: Browser, browser_site: Server) -> None:
    """Remove the hidden token from the intake form and submit: refused, nothing registered."""
    b = browser
    b.login("clerk")
    before = len(browser_site.engine.find(within="qt", limit=1000, actor=_system()))
    b.open("/cases/new")
    b.driver.execute_script("document.querySelector('form.intake input[name=csrf_token]').remove()")
    b.fill(b.find("#category"), "neighbor")
    b.fill(b.find("#summary"), "没有令牌的表单")
    b.fill(b.find("#p0-name"), "张三")
    b.fill(b.find("#p1-name"), "王五")
    b.submit(b.find("form.intake .actions button.primary"))
    assert "安全令牌" in b.text()
    assert "无权操作" in b.text()
    assert len(browser_site.engine.find(within="qt", limit=1000, actor=_system())) == before


def test_the_admin_page_and_the_login_page(browser: Browser) -> None:
    """组织与用户 shows the units, the users and the sign-in audit (a failed sign-in of its
    own first: the test does not rely on another having failed one)."""
    b = browser
    b.driver.delete_all_cookies()
    b.open("/login")
    b.shot("login", full=False)
    b.login("admin", "not-the-password")
    b.login("admin")
    b.open("/admin")
    text = b.text()
    assert "东门村人民调解委员会" in text
    assert "西村人民调解委员会" in text
    assert "李登记" in text
    assert "登录失败" in text
    b.shot("admin")


def _system() -> Any:
    from mediation import Actor

    return Actor.system()
