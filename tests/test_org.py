"""The organisation stored with the cases: loaded, changed and merged as audited changes.

Issue 10 §1: an arbitrary-depth tree with territorial (块) and line (条) parents,
one-stop centres with stationed departments; stored in the database with its
own audited history; a unit renamed or merged keeps its old cases readable;
the CLI and every engine opened on that database use it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mediation import (
    Actor,
    AuthorizationError,
    Engine,
    Policy,
    Role,
    Unit,
    ValidationError,
)
from mediation.cli import app
from mediation.rules.authz import Access, RolePolicy
from mediation.rules.org import OrgTree, UnitKind, units_from_data

from .conftest import make_engine
from .helpers import at, hard_limits, intake

ADMIN = Actor("root-admin", {Role.admin.value}, "county", "县管理员")
SYSTEM = Actor.system()

COUNTY = [
    Unit("county", "某县人民政府", "county", kind="government", code_prefix="县调"),
    Unit("centre", "某县矛调中心", "county", "county", "中心调", kind="centre"),
    Unit("court", "某县人民法院", "county", "county", "法调", kind="court", centre="centre"),
    Unit("psb", "某县公安局", "county", "county", "公调", kind="police"),
    Unit("pet", "某县信访局", "county", "county", "访", kind="petition_bureau", centre="centre"),
    Unit(
        "med",
        "某县医疗纠纷人民调解委员会",
        "county",
        "county",
        "医调",
        kind="industry_committee",
        categories=frozenset({"medical"}),
        centre="centre",
    ),
    Unit("town-a", "甲镇人民政府", "town", "county", "甲调", kind="government"),
    Unit("town-b", "乙镇人民政府", "town", "county", "乙调", kind="government"),
    Unit("ps-a", "甲镇派出所", "town", "town-a", "甲所", kind="police", line_parent="psb"),
    Unit("v-1", "一村人民调解委员会", "village", "town-a", "一调"),
    Unit("v-2", "二村人民调解委员会", "village", "town-a", "二调"),
    Unit("v-3", "三村人民调解委员会", "village", "town-b", "三调"),
    Unit("g-1", "一村第一网格", "grid", "v-1", "网", kind="grid"),
]


def _engine(spec: str) -> Engine:
    return Engine.from_url(spec, reader=SYSTEM) if spec != "memory" else Engine.in_memory()


def test_a_tree_with_line_parents_centres_and_grids() -> None:
    """条 and 块: a police station's line superior is the county bureau; its territorial
    parent the town. Departments stationed at the centre; levels from grid to county."""
    tree = OrgTree(COUNTY)
    assert tree.parent("ps-a").id == "town-a"
    assert tree.line_parent("ps-a").id == "psb"
    assert tree.superior("ps-a").id == "psb"
    assert tree.superior("v-1").id == "town-a"
    assert {u.id for u in tree.stationed("centre")} == {"court", "pet", "med"}
    assert tree.centre_of("court").id == "centre"
    assert tree.centre_of("v-1") is None
    assert tree.level_of("g-1") == "grid"
    assert tree.at_level("g-1", "town").id == "town-a"
    assert [u.id for u in tree.find(kind=UnitKind.industry_committee, category="medical")] == [
        "med"
    ]
    assert tree.within("g-1", "county")


@pytest.mark.parametrize(
    ("units", "words"),
    [
        ([Unit("a", "A", "village", "missing")], "unknown parent"),
        ([Unit("a", "A", "village", line_parent="nope")], "unknown line parent"),
        ([Unit("c", "C", "county"), Unit("a", "A", "town", "c", centre="c")], "not a one-stop"),
        ([Unit("a", "A", "village", kind="bakery")], "unknown kind"),
        ([Unit("a", "A", "galaxy")], "unknown level"),
    ],
)
def test_a_broken_tree_is_refused_naming_the_unit(units: list[Unit], words: str) -> None:
    """Every reference is checked when the tree is built."""
    from mediation import DefinitionError

    with pytest.raises(DefinitionError, match=words):
        OrgTree(units)


def test_units_from_a_file_name_the_field_at_fault() -> None:
    """An office's JSON or TOML list: errors name the unit and the field."""
    units = units_from_data(
        {"units": [{"id": "a", "name": "A", "level": "county", "categories": ["medical"]}]}
    )
    assert units[0].categories == frozenset({"medical"})
    with pytest.raises(ValidationError) as err:
        units_from_data([{"id": "a", "name": "A", "level": "county", "colour": "red"}])
    assert err.value.field == "units[0].colour"
    with pytest.raises(ValidationError) as err:
        units_from_data([{"id": "a", "name": "", "level": "county"}])
    assert err.value.field == "units[0].name"


@pytest.mark.parametrize("spec", ["memory", "sqlite"])
def test_the_org_is_stored_and_every_engine_on_the_database_uses_it(
    spec: str, tmp_path: Path
) -> None:
    """Loaded once, audited; a second engine opened on the file runs with it."""
    url = "memory" if spec == "memory" else f"sqlite:///{tmp_path / 'org.db'}"
    engine = _engine(url)
    assert engine.org is None
    tree = engine.load_org(COUNTY, actor=SYSTEM, at=at("2026-01-05", 9))
    assert tree.seq == 1
    assert engine.org == OrgTree(COUNTY)
    (change,) = engine.org_history()
    assert (change.op, change.actor, change.seq) == ("load", "system", 1)
    assert engine.verify_org() is None
    if spec == "sqlite":
        other = _engine(url)
        assert other.org == engine.org
        assert other.org.seq == 1
        other.close()
    engine.close()


def test_changes_are_audited_and_a_merged_unit_keeps_its_cases_readable(tmp_path: Path) -> None:
    """A rename and a merge (撤并): the old village's case stays readable by the town that
    absorbed it; no new case is opened at a merged unit; the log verifies."""
    url = f"sqlite:///{tmp_path / 'org.db'}"
    engine = _engine(url)
    engine.load_org(COUNTY, actor=SYSTEM, at=at("2026-01-05", 9))
    clerk = Actor("clerk-2", {Role.clerk.value}, "v-2", "二村书记")
    case = intake(engine, unit="v-2", actor=clerk, when=at("2026-03-02", 9))
    renamed = Unit("v-1", "一村（东区）人民调解委员会", "village", "town-a", "一调")
    engine.put_unit(renamed, actor=ADMIN, at=at("2026-03-03", 9))
    assert engine.org.get("v-1").name == "一村（东区）人民调解委员会"
    engine.merge_unit("v-2", into="v-1", actor=ADMIN, at=at("2026-03-04", 9))
    merged = engine.org.get("v-2")
    assert not merged.active
    assert merged.successor == "v-1"
    assert engine.org.current("v-2").id == "v-1"
    v1_clerk = Actor("clerk-1", {Role.clerk.value}, "v-1", "一村书记")
    assert engine.get(case.id, actor=v1_clerk).id == case.id
    with pytest.raises(ValidationError, match="merged"):
        intake(engine, unit="v-2", actor=SYSTEM, when=at("2026-03-05", 9))
    assert [e.op for e in engine.org_history()] == ["load", "put", "merge"]
    assert engine.verify_org() is None
    assert engine.verify(case.id).ok
    engine.close()
    reopened = _engine(url)
    assert reopened.org.get("v-2").successor == "v-1"
    reopened.close()


def test_units_are_never_deleted_and_a_refused_change_writes_nothing(tmp_path: Path) -> None:
    """A reload without a unit is refused (merge it instead); a bad change leaves the log."""
    engine = _engine(f"sqlite:///{tmp_path / 'org.db'}")
    engine.load_org(COUNTY, actor=SYSTEM, at=at("2026-01-05", 9))
    with pytest.raises(ValidationError, match="never deleted"):
        engine.load_org(COUNTY[:-1], actor=SYSTEM, at=at("2026-01-06", 9))
    with pytest.raises(ValidationError, match="cycle"):
        engine.put_unit(
            Unit("town-a", "甲镇人民政府", "town", "v-1", "甲调", kind="government"),
            actor=ADMIN,
            at=at("2026-01-06", 9),
        )
    with pytest.raises(ValidationError):
        engine.merge_unit("town-a", into="v-1", actor=ADMIN, at=at("2026-01-06", 9))
    assert len(engine.org_history()) == 1
    engine.close()


def test_only_an_admin_within_scope_changes_the_org() -> None:
    """A clerk is refused; an admin of one town cannot touch another town's units."""
    engine = Engine.in_memory()
    engine.load_org(COUNTY, actor=SYSTEM, at=at("2026-01-05", 9))
    clerk = Actor("c", {Role.clerk.value}, "county", "文员")
    town_admin = Actor("ta", {Role.admin.value}, "town-a", "甲镇管理员")
    with pytest.raises(AuthorizationError):
        engine.put_unit(Unit("v-9", "九村", "village", "town-a"), actor=clerk)
    engine.put_unit(Unit("v-9", "九村", "village", "town-a"), actor=town_admin)
    with pytest.raises(AuthorizationError):
        engine.put_unit(Unit("v-8", "八村", "village", "town-b"), actor=town_admin)
    with pytest.raises(AuthorizationError):
        engine.load_org(COUNTY, actor=town_admin)
    assert [e.op for e in engine.org_history()] == ["load", "put"]


def test_a_change_from_another_process_is_picked_up(tmp_path: Path) -> None:
    """Two engines on one file: a change by one reaches the other on refresh, and a
    change by the other on a stale tree is retried on the fresh one, never lost."""
    url = f"sqlite:///{tmp_path / 'org.db'}"
    a, b = _engine(url), _engine(url)
    a.load_org(COUNTY, actor=SYSTEM, at=at("2026-01-05", 9))
    assert b.org is None
    b.refresh_org()
    a.put_unit(Unit("v-9", "九村", "village", "town-a"), actor=SYSTEM)
    b.put_unit(Unit("v-8", "八村", "village", "town-b"), actor=SYSTEM)
    assert "v-9" in b.org
    assert "v-8" in b.org
    assert [e.seq for e in a.org_history()] == [1, 2, 3]
    assert b.verify_org() is None
    a.close()
    b.close()


def test_a_case_replays_on_the_tree_of_its_day(tmp_path: Path) -> None:
    """A supervised case raised to its town's flag; the village moves to another town
    later; the log still replays to the stored case (each step logged its tree)."""
    url = f"sqlite:///{tmp_path / 'org.db'}"
    engine = Engine.from_url(url, reader=SYSTEM, policy=hard_limits(Policy()))
    engine.load_org(COUNTY, actor=SYSTEM, at=at("2026-01-05", 9))
    case = intake(engine, unit="v-1", actor=SYSTEM, when=at("2026-03-02", 9))
    engine.supervise(at=at("2026-03-20", 9), actor=Actor.system())
    flagged = engine.get(case.id)
    assert "supervisor:town-a" in flagged.flags
    engine.put_unit(Unit("v-1", "一村人民调解委员会", "village", "town-b", "一调"), actor=SYSTEM)
    assert engine.replay(case.id) == engine.get(case.id)
    assert engine.verify(case.id).ok


def test_tampering_with_the_org_log_is_detected(tmp_path: Path) -> None:
    """An edited change fails its hash; verify_org says which."""
    path = tmp_path / "org.db"
    engine = _engine(f"sqlite:///{path}")
    engine.load_org(COUNTY, actor=SYSTEM, at=at("2026-01-05", 9))
    engine.put_unit(Unit("v-9", "九村", "village", "town-a"), actor=SYSTEM)
    engine.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE org_events SET data = replace(data, '九村', '十村') WHERE seq = 2")
    reopened = _engine(f"sqlite:///{path}")
    problem = reopened.verify_org()
    assert problem is not None
    assert "change 2" in problem
    reopened.close()


def test_the_cli_loads_shows_and_uses_the_stored_org(tmp_path: Path) -> None:
    """`mediation org load FILE DB`, `mediation org show DB`; `render` needs no --org."""
    org_file = tmp_path / "county.toml"
    org_file.write_text(
        "\n".join(
            f'[[units]]\nid = "{u.id}"\nname = "{u.name}"\nlevel = "{u.level}"\n'
            f'kind = "{u.kind}"\ncode_prefix = "{u.code_prefix}"\n'
            + (f'parent = "{u.parent}"\n' if u.parent else "")
            + (f'line_parent = "{u.line_parent}"\n' if u.line_parent else "")
            + (f'centre = "{u.centre}"\n' if u.centre else "")
            for u in COUNTY
        ),
        encoding="utf-8",
    )
    db = tmp_path / "cases.db"
    runner = CliRunner()
    loaded = runner.invoke(app, ["org", "load", str(org_file), str(db)])
    assert loaded.exit_code == 0, loaded.output
    assert "13 units" in loaded.output
    shown = runner.invoke(app, ["org", "show", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "甲镇派出所" in shown.output
    with Engine.sqlite(str(db), reader=SYSTEM) as engine:
        case = intake(engine, unit="v-1", actor=SYSTEM, when=at("2026-03-02", 9))
    rendered = runner.invoke(app, ["render", str(db), case.id, "registration"])
    assert rendered.exit_code == 0, rendered.output
    assert "一村人民调解委员会" in rendered.output
    listed = runner.invoke(app, ["overdue", str(db), "--at", "2026-06-01"])
    assert listed.exit_code == 0, listed.output


# -- property: the log replays to the live tree; nothing is ever deleted ----------------

_OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("put"),
            st.sampled_from([u.id for u in COUNTY] + ["new-1", "new-2"]),
            st.sampled_from([u.id for u in COUNTY]),
        ),
        st.tuples(
            st.just("merge"),
            st.sampled_from([u.id for u in COUNTY]),
            st.sampled_from([u.id for u in COUNTY]),
        ),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(_OPS)
def test_the_log_replays_to_the_live_tree_and_nothing_is_deleted(
    ops: list[tuple[str, str, str]],
) -> None:
    """Whatever changes are tried (refused ones write nothing), the tree rebuilt from the
    log equals the live one, every unit ever stored is still there, and the log verifies."""
    engine = Engine.in_memory()
    engine.load_org(COUNTY, actor=SYSTEM, at=at("2026-01-05", 9))
    seen = {u.id for u in COUNTY}
    for n, (op, unit_id, other) in enumerate(ops):
        when = at("2026-01-05", 9) + dt.timedelta(minutes=n + 1)
        before = len(engine.org_history())
        try:
            if op == "put":
                level = engine.org.get(other).level if other in engine.org else "village"
                engine.put_unit(Unit(unit_id, f"单位{n}", level, other), actor=SYSTEM, at=when)
            else:
                engine.merge_unit(unit_id, into=other, actor=SYSTEM, at=when)
        except ValidationError:
            assert len(engine.org_history()) == before
            continue
        seen.add(unit_id)
        assert len(engine.org_history()) == before + 1
    fresh = Engine(engine._store)  # a new engine on the same store replays the log
    assert fresh.org == engine.org
    assert seen <= {u.id for u in fresh.org}
    assert fresh.verify_org() is None
    assert engine.org.seq == len(engine.org_history())


def test_make_engine_still_runs_with_a_policy_tree() -> None:
    """An embedder's own directory (policy.org) wins; the stored one is then not changed."""
    engine = make_engine("memory")
    with pytest.raises(ValidationError, match="policy"):
        engine.put_unit(Unit("x", "X", "village", "qt-dm"), actor=SYSTEM)


def test_level_ladder_knows_its_names_and_ranks_only() -> None:
    """A ladder answers membership and rank from its own names; anything else is not a
    level (an unhashable value included) and ranking it is refused naming the field."""
    from mediation.rules.org import DEFAULT_LADDER, Level, LevelLadder

    ladder = LevelLadder((Level("team", "班组"), Level("hall", "大厅")))
    assert [name in ladder for name in ("hall", "team", "village", 1, ["hall"])] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert [ladder.rank("team"), ladder.rank("hall")] == [0, 1]
    assert [DEFAULT_LADDER.rank(n) for n in ("grid", "village", "town", "county", "city")] == [
        0,
        1,
        2,
        3,
        4,
    ]
    with pytest.raises(ValidationError) as caught:
        ladder.rank("village")
    assert caught.value.field == "level"
    assert ladder == LevelLadder((Level("team", "班组"), Level("hall", "大厅")))


@st.composite
def _trees(draw: st.DrawFn) -> OrgTree:
    """Random trees of up to eight units, each with a territorial parent and a line parent
    drawn among the units before it (or none)."""
    n = draw(st.integers(1, 8))
    units = []
    for i in range(n):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        line = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        units.append(
            Unit(
                f"u{i}",
                f"单位{i}",
                "county",
                None if parent is None else f"u{parent}",
                f"调{i}",
                kind="department",
                line_parent=None if line is None else f"u{line}",
            )
        )
    return OrgTree(units)


@given(_trees())
def test_a_unit_oversees_what_is_below_it_in_the_tree_or_in_a_line_and_nothing_else(
    tree: OrgTree,
) -> None:
    """``oversees`` is the reflexive, transitive closure of the two parent links: it holds
    over the territorial subtree (``within``) and from a line parent, carries through both,
    and holds for no pair that neither link leads to."""
    ids = [u.id for u in tree]
    for u in ids:
        up = tree.parent(u)
        line = tree.line_parent(u)
        for r in ids:
            holds = tree.oversees(r, u)
            if tree.within(u, r):
                assert holds
            reached = (
                r == u
                or (up is not None and tree.oversees(r, up.id))
                or (line is not None and tree.oversees(r, line.id))
            )
            assert holds == reached
            for w in ids:
                if holds and tree.oversees(w, r):
                    assert tree.oversees(w, u)
    scope = RolePolicy(tree)
    for r in ids:
        staff = Actor(f"staff-{r}", {Role.clerk.value}, r)
        seen = scope.units(staff)
        assert seen is not None
        for u in ids:
            assert (u in seen) == tree.oversees(r, u)
            assert scope(staff, Access("read", u, frozenset())).allowed == tree.oversees(r, u)
