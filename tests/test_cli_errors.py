"""The command line never destroys and never dumps a traceback.

Every usage or input problem ends in one line on stderr and exit code 2;
``demo`` replaces only a database it created; ``render``, ``overdue`` and
``verify`` open the database read-only and create nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from mediation.cli import DEMO_APPLICATION_ID, _instant, app
from mediation.model import CHINA_TZ

KEEP = b"\x00keep me: not a database\xff\n"
"""Arbitrary bytes of a file the program did not create."""


def invoke(*args: str | Path, input: str | None = None) -> Result:
    """Run ``mediation ARGS`` in-process (``input`` on standard input)."""
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def fails(result: Result, *words: str) -> str:
    """Assert exit code 2 with one error line on stderr naming the problem; return the line."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word.lower() in lines[0].lower(), (word, lines[0])
    return lines[0]


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every path below ``folder`` with its bytes (``None`` for a directory)."""
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def app_id(db: Path) -> int:
    """``PRAGMA application_id`` of ``db`` read from its header."""
    return int.from_bytes(db.read_bytes()[68:72], "big")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A database written by ``mediation demo`` and the id of its case."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = invoke("demo", "--db", db)
    assert result.exit_code == 0, result.output
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        (case_id,) = conn.execute("SELECT id FROM cases").fetchone()
    return db, str(case_id)


# -- demo: never deletes a file it did not create ------------------------------


def test_demo_refuses_a_file_that_is_not_a_demo_database(tmp_path: Path) -> None:
    keep = tmp_path / "keep.db"
    keep.write_bytes(KEEP)
    fails(invoke("demo", "--db", keep), "keep.db", "exists", "not a demo database")
    assert keep.read_bytes() == KEEP
    assert listing(tmp_path) == {"keep.db": KEEP}


def test_demo_refuses_a_foreign_sqlite_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.commit()
    before = listing(tmp_path)
    fails(invoke("demo", "--db", other), "not a demo database")
    assert listing(tmp_path) == before


def test_demo_refuses_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.db"
    folder.mkdir()
    (folder / "inside.txt").write_bytes(KEEP)
    fails(invoke("demo", "--db", folder), "directory")
    assert listing(tmp_path) == {"folder.db": None, "folder.db/inside.txt": KEEP}


def test_demo_in_a_missing_directory_creates_nothing(tmp_path: Path) -> None:
    fails(invoke("demo", "--db", tmp_path / "missing" / "demo.db"), "missing", "no such")
    assert not (tmp_path / "missing").exists()


def test_demo_refuses_a_stray_companion_file(tmp_path: Path) -> None:
    wal = tmp_path / "demo.db-wal"
    wal.write_bytes(KEEP)
    fails(invoke("demo", "--db", tmp_path / "demo.db"), "demo.db-wal")
    assert listing(tmp_path) == {"demo.db-wal": KEEP}


def test_demo_marks_and_replaces_its_own_database(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert invoke("demo", "--db", db).exit_code == 0
    assert app_id(db) == DEMO_APPLICATION_ID
    assert listing(tmp_path).keys() == {"demo.db"}  # one self-contained file
    for suffix in ("-wal", "-shm"):  # stale companions go with the demo database
        (tmp_path / f"demo.db{suffix}").write_bytes(b"stale")
    again = invoke("demo", "--db", db)
    assert again.exit_code == 0, again.output
    assert "（2026）东调字第0001号" in again.output
    assert app_id(db) == DEMO_APPLICATION_ID
    assert listing(tmp_path).keys() == {"demo.db"}


# -- reading commands: read-only, never create ----------------------------------

READERS = ["verify", "overdue", "render"]


def reader_args(command: str, db: Path) -> list[str | Path]:
    """``mediation COMMAND DB ...`` with the command's other arguments."""
    others: dict[str, list[str | Path]] = {
        "verify": ["some-case"],
        "overdue": [],
        "render": ["some-case", "mediation_agreement"],
    }
    return [command, db, *others[command]]


@pytest.mark.parametrize("command", READERS)
def test_reader_on_a_missing_file_creates_nothing(tmp_path: Path, command: str) -> None:
    nope = tmp_path / "nope.db"
    fails(invoke(*reader_args(command, nope)), "nope.db", "no such")
    assert not nope.exists()
    assert listing(tmp_path) == {}


@pytest.mark.parametrize("command", READERS)
def test_reader_on_a_directory(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "folder.db"
    folder.mkdir()
    fails(invoke(*reader_args(command, folder)), "directory")
    assert listing(tmp_path) == {"folder.db": None}


@pytest.mark.parametrize("command", READERS)
def test_reader_on_a_file_that_is_not_a_database(tmp_path: Path, command: str) -> None:
    keep = tmp_path / "keep.db"
    keep.write_bytes(KEEP)
    fails(invoke(*reader_args(command, keep)), "not a database")
    assert listing(tmp_path) == {"keep.db": KEEP}


@pytest.mark.parametrize("command", READERS)
def test_reader_in_a_missing_directory_creates_nothing(tmp_path: Path, command: str) -> None:
    fails(invoke(*reader_args(command, tmp_path / "missing" / "x.db")), "no such")
    assert not (tmp_path / "missing").exists()


def test_verify_reads_without_creating_anything(demo_db: tuple[Path, str]) -> None:
    db, case_id = demo_db
    before = listing(db.parent)
    result = invoke("verify", db, case_id)
    assert result.exit_code == 0, result.output
    assert "ok=True" in result.output
    assert listing(db.parent) == before


def test_verify_an_unknown_case(demo_db: tuple[Path, str]) -> None:
    fails(invoke("verify", demo_db[0], "no-such-case"), "no-such-case")


# -- overdue --at ---------------------------------------------------------------


def test_overdue_at_an_unparseable_date(demo_db: tuple[Path, str]) -> None:
    fails(invoke("overdue", demo_db[0], "--at", "yesterday"), "--at", "yesterday")


@pytest.mark.parametrize("at", ["2026-03-01", "2026-03-01T09:30", "2026-03-01T09:30:00+08:00"])
def test_overdue_at_an_iso_date_or_date_time(demo_db: tuple[Path, str], at: str) -> None:
    result = invoke("overdue", demo_db[0], "--at", at)
    assert result.exit_code == 0, result.output
    assert "超期与预警" in result.output


def test_at_a_date_is_the_start_of_that_day_in_china() -> None:
    assert _instant("2026-03-01") == dt.datetime(2026, 3, 1, tzinfo=CHINA_TZ)
    assert _instant("2026-03-01T09:30") == dt.datetime(2026, 3, 1, 9, 30, tzinfo=CHINA_TZ)
    assert _instant("2026-03-01T01:30Z") == dt.datetime(2026, 3, 1, 9, 30, tzinfo=CHINA_TZ)


# -- --org -------------------------------------------------------------------------


def org_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "org.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_org_with_an_unknown_level(tmp_path: Path, demo_db: tuple[Path, str]) -> None:
    org = org_file(tmp_path, '[{"id": "x", "name": "X", "level": "planet"}]')
    fails(invoke("verify", demo_db[0], demo_db[1], "--org", org), "--org", "planet")


def test_org_with_broken_json(tmp_path: Path, demo_db: tuple[Path, str]) -> None:
    org = org_file(tmp_path, '[{"id": "x",')
    fails(invoke("overdue", demo_db[0], "--org", org), "--org", "json")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ('{"id": "x"}', "list"),
        ('["x"]', "table"),
        ('[{"id": "x", "name": "X"}]', "level"),
        ('[{"id": "x", "name": "X", "level": "village", "colour": "red"}]', "colour"),
        ('[{"id": ["x"], "name": "X", "level": "village"}]', "text"),
        (
            '[{"id": "a", "name": "A", "level": "village", "parent": "b"},'
            ' {"id": "b", "name": "B", "level": "town", "parent": "a"}]',
            "cycle",
        ),
    ],
)
def test_org_of_the_wrong_shape(
    tmp_path: Path, demo_db: tuple[Path, str], text: str, word: str
) -> None:
    org = org_file(tmp_path, text)
    fails(invoke("render", demo_db[0], demo_db[1], "mediation_agreement", "--org", org), word)


def test_org_file_missing(tmp_path: Path, demo_db: tuple[Path, str]) -> None:
    fails(invoke("verify", demo_db[0], demo_db[1], "--org", tmp_path / "no.json"), "no such")
    assert not (tmp_path / "no.json").exists()


# -- render ---------------------------------------------------------------------


def test_render_into_a_missing_directory(tmp_path: Path, demo_db: tuple[Path, str]) -> None:
    out = tmp_path / "missing" / "agreement.txt"
    fails(invoke("render", *demo_db, "mediation_agreement", "-o", out), "missing", "no such")
    assert not (tmp_path / "missing").exists()


def test_render_onto_a_directory(tmp_path: Path, demo_db: tuple[Path, str]) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "inside.txt").write_bytes(KEEP)
    fails(invoke("render", *demo_db, "mediation_agreement", "-o", folder), "directory")
    assert listing(tmp_path) == {"out": None, "out/inside.txt": KEEP}


def test_render_binary_needs_an_output_file(demo_db: tuple[Path, str]) -> None:
    fails(invoke("render", *demo_db, "mediation_agreement", "-f", "docx"), "--output")


def test_render_an_unknown_kind(demo_db: tuple[Path, str]) -> None:
    fails(invoke("render", *demo_db, "no_such_kind"), "no_such_kind")


def test_render_a_case_to_a_file(tmp_path: Path, demo_db: tuple[Path, str]) -> None:
    db, case_id = demo_db
    before = listing(db.parent)
    out = tmp_path / "agreement.txt"
    result = invoke("render", db, case_id, "mediation_agreement", "-o", out)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    assert "人民调解协议书" in out.read_text(encoding="utf-8")
    assert listing(db.parent) == before


# -- diagram --------------------------------------------------------------------


def test_diagram_of_an_unknown_workflow() -> None:
    fails(invoke("diagram", "no-such-workflow"), "no-such-workflow")


# -- org load: a refused organisation leaves no database behind ----------------------


def test_org_load_of_refused_units_creates_no_database(tmp_path: Path) -> None:
    org = org_file(
        tmp_path,
        '[{"id": "a", "name": "A", "level": "village", "parent": "b"},'
        ' {"id": "b", "name": "B", "level": "town", "parent": "a"}]',
    )
    before = listing(tmp_path)
    fails(invoke("org", "load", org, tmp_path / "new.db"), "cycle")
    assert listing(tmp_path) == before


def test_org_load_of_refused_units_keeps_an_existing_database(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    good = org_file(tmp_path, '[{"id": "town", "name": "T", "level": "town"}]')
    assert invoke("org", "load", good, db).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text(
        '[{"id": "town", "name": "T", "level": "town"},'
        ' {"id": "x", "name": "X", "level": "village", "parent": "zz"}]'
    )
    fails(invoke("org", "load", bad, db), "zz")
    assert db.is_file()
    shown = invoke("org", "show", db)
    assert shown.exit_code == 0, shown.output
    assert "第1次变更" in shown.output  # the refused load changed nothing
    assert "T [town]" in shown.output  # the unit id, printed as text (not a rich style)


# -- serve and user add (the committee app) ---------------------------------------

PASSWORD = "a long enough password"


@pytest.mark.parametrize("port", ["-5", "65536", "99999"])
def test_serve_on_a_port_out_of_range_is_a_usage_error(tmp_path: Path, port: str) -> None:
    result = invoke("serve", tmp_path / "u.db", "--port", port)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    said = " ".join(result.output.replace("│", " ").split())
    assert f"{port} is not a port: give 0 to 65535" in said
    assert listing(tmp_path) == {}


def test_serve_where_it_cannot_listen_is_refused_before_any_file(tmp_path: Path) -> None:
    """A host that does not resolve, or a port another server holds: one line, exit code 2,
    and no database left behind (the server used to fail once started, exit code 3)."""
    import socket

    fails(invoke("serve", tmp_path / "u.db", "--host", "no-such-host.invalid"), "--host")
    assert listing(tmp_path) == {}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        fails(invoke("serve", tmp_path / "u.db", "--port", port), "--port", port)
    assert listing(tmp_path) == {}


@pytest.mark.parametrize(
    ("args", "password", "words"),
    [
        ([], None, ["no password"]),
        ([], "short\n", ["password", "8"]),
        (["--roles", "nobody"], f"{PASSWORD}\n", ["roles", "nobody"]),
        (["--unit", " "], f"{PASSWORD}\n", ["unit"]),
    ],
)
def test_user_add_refused_creates_no_database(
    tmp_path: Path, args: list[str], password: str | None, words: list[str]
) -> None:
    new = tmp_path / "new.db"
    options = {"--roles": "clerk", "--unit": "qt", **dict(zip(args[::2], args[1::2], strict=True))}
    given = [part for pair in options.items() for part in pair]
    fails(invoke("user", "add", new, "bob", *given, input=password), *words)
    assert listing(tmp_path) == {}


def test_user_add_failing_after_creating_the_database_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mediation import ValidationError
    from mediation.web.store import WebStore

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise ValidationError("login", "bob", "refused by the test")

    monkeypatch.setattr(WebStore, "add_user", refuse)
    new = tmp_path / "new.db"
    args = ("user", "add", new, "bob", "--roles", "clerk", "--unit", "qt")
    result = invoke(*args, input=f"{PASSWORD}\n")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    # a new database has no organisation: a note, then the error
    assert result.stderr.splitlines()[-1] == "error: login: refused by the test (got 'bob')"
    assert listing(tmp_path) == {}


def test_user_add_refused_keeps_an_existing_database(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    org = org_file(tmp_path, '[{"id": "town", "name": "T", "level": "town"}]')
    assert invoke("org", "load", org, db).exit_code == 0
    before = set(listing(tmp_path))
    args = ("user", "add", db, "bob", "--roles", "clerk")
    fails(invoke(*args, "--unit", "mars", input=f"{PASSWORD}\n"), "mars", "no such unit")
    fails(invoke(*args, "--unit", "town", input=""), "no password")
    assert set(listing(tmp_path)) == before
    assert invoke("user", "list", db).stdout == ""
