"""Two clerks acting on one case at once: exactly one wins; the other is told the case
changed and gets their input back — never a lost update, never an error page."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import httpx

from .conftest import Server, Session, text_of
from .test_pages import register

CONFLICT = "案件已被他人修改，请刷新"


def _version(s: Session, case_id: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', s.get(f"/cases/{case_id}").text)
    assert found is not None
    return found.group(1)


def _mediating(session: Callable[[str], Session]) -> str:
    clerk = session("clerk")
    case_id = register(clerk)
    for trigger, data in (("triage", {"track": "people", "level": "village"}), ("accept", {})):
        clerk.post(
            f"/cases/{case_id}/steps/{trigger}", {**data, "version": _version(clerk, case_id)}
        )
    mediator = session("mediator")
    if f"/cases/{case_id}/steps/inform_rights" in mediator.get(f"/cases/{case_id}").text:
        mediator.post(
            f"/cases/{case_id}/steps/inform_rights", {"version": _version(mediator, case_id)}
        )
    mediator.post(
        f"/cases/{case_id}/steps/start_mediation",
        {"mediators[]": "mediator", "version": _version(mediator, case_id)},
    )
    return case_id


def test_two_sessions_submit_conflicting_steps_at_once(
    site: Server, session: Callable[[str], Session]
) -> None:
    """Suspend and terminate posted at the same moment from the same version: one is
    written, the other answers 409 with the reload message and its own text kept."""
    case_id = _mediating(session)
    a, b = session("mediator"), session("director")
    version = _version(a, case_id)
    assert _version(b, case_id) == version
    posts = {
        "a": (a, "suspend", {"reason": "party_wait", "note": "甲：等待当事人补充材料"}),
        "b": (
            b,
            "terminate",
            {"reason": "乙：双方分歧过大，调解不成", "remedies_informed": "on"},
        ),
    }
    barrier = threading.Barrier(2)
    results: dict[str, httpx.Response] = {}

    def submit(key: str) -> None:
        s, trigger, data = posts[key]
        barrier.wait(timeout=10)
        results[key] = s.post(f"/cases/{case_id}/steps/{trigger}", {**data, "version": version})

    threads = [threading.Thread(target=submit, args=(k,)) for k in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [200, 409], statuses
    loser_key = next(k for k, r in results.items() if r.status_code == 409)
    winner_key = "a" if loser_key == "b" else "b"
    loser = results[loser_key]
    assert CONFLICT in text_of(loser.text)
    kept = posts[loser_key][2]["note" if loser_key == "a" else "reason"]
    assert kept in loser.text  # the input typed is on the page again
    assert "Traceback" not in loser.text
    history = site.engine.history(case_id, actor=a_actor(site))
    triggers = [e.trigger for e in history]
    assert triggers.count("suspend") + triggers.count("terminate") == 1
    assert triggers[-1] == posts[winner_key][1]


def test_a_form_from_before_another_clerks_step_is_refused(
    site: Server, session: Callable[[str], Session]
) -> None:
    """A form shown before someone else's step is not applied to the changed case, even when
    the step would still be possible: the reload message, with the input kept."""
    case_id = _mediating(session)
    a, b = session("mediator"), session("director")
    old = _version(a, case_id)
    first = b.post(
        f"/cases/{case_id}/steps/suspend", {"reason": "party_wait", "version": _version(b, case_id)}
    )
    assert first.status_code == 200
    b.post(f"/cases/{case_id}/steps/resume", {"note": "继续", "version": _version(b, case_id)})
    stale = a.post(
        f"/cases/{case_id}/steps/suspend", {"reason": "other", "note": "甲的旧表单", "version": old}
    )
    assert stale.status_code == 409
    assert CONFLICT in text_of(stale.text)
    assert "甲的旧表单" in stale.text
    assert re.search(r'<details class="step" id="step-suspend" open>', stale.text)
    fresh = re.search(r'name="version" value="(\d+)"', stale.text)
    assert fresh is not None
    assert fresh.group(1) != old
    again = a.post(
        f"/cases/{case_id}/steps/suspend",
        {"reason": "other", "note": "甲的旧表单", "version": fresh.group(1)},
    )
    assert again.status_code == 200


def a_actor(site: Server):  # type: ignore[no-untyped-def]
    from mediation import Actor

    return Actor.system()


def test_input_for_a_step_no_longer_possible_is_shown_back(
    session: Callable[[str], Session],
) -> None:
    """The other clerk's step made this one impossible (a suspended case cannot be suspended
    again): the reload message, and what was typed listed under its labels."""
    case_id = _mediating(session)
    a, b = session("mediator"), session("director")
    old = _version(a, case_id)
    b.post(
        f"/cases/{case_id}/steps/suspend", {"reason": "appraisal", "version": _version(b, case_id)}
    )
    stale = a.post(
        f"/cases/{case_id}/steps/suspend",
        {"reason": "party_wait", "note": "甲：当事人外出务工", "version": old},
    )
    assert stale.status_code == 409
    text = text_of(stale.text)
    assert CONFLICT in text
    assert "您填写的内容（已保留，“中止调解”现在不能办理）" in text
    assert "备注 甲：当事人外出务工" in text
    assert "中止原因 party_wait" in text
