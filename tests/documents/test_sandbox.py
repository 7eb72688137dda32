"""Committee-editable templates: overrides render in a bounded sandbox and keep required items."""

from __future__ import annotations

import time
from pathlib import Path

import attrs
import pytest

from mediation import DocumentRenderError, MediationError
from mediation.documents import DocumentRenderer
from mediation.documents._render import official_dir

from .conftest import Scenario

PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__dict__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ range.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ dict.__base__.__subclasses__() }}",
    "{{ (1).__class__.__base__ }}",
    "{{ case.code.upper.__self__ }}",
    "{{ case|attr('__class__') }}",
    "{{ parties|map(attribute='__class__')|list }}",
    "{{ case['__class__'] }}",
    "{{ '{0.__class__}'.format(case) }}",
    "{{ '{0.__class__.__mro__}'.format_map({'0': case}) }}",
    "{{ '%s' % case.__class__ }}",
    "{{ '%999999999d'|format(1) }}",
    "{% set a = [] %}{{ a.append(1) }}",
    "{{ parties.append(1) }}",
    "{{ case.update({'code': 'x'}) }}",
    "{{ case.clear() }}",
    "{{ request }}",
    "{{ config.items() }}",
    "{{ __builtins__ }}",
    "{{ self.__init__.__globals__['__builtins__'] }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{{ 'x' * 10**9 }}",
    "{{ ['x'] * 10**9 }}",
    "{{ 9**9**9 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% set r = range(100000) %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}",
    "{% set s = 'x' * 1999999 %}{% set s = s ~ s %}{{ s|length }}",
    "{% set s = 'x' * 100000 %}{% set b %}{% for i in range(1000) %}{{ s }}{% endfor %}"
    "{% endset %}{{ b|length }}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{{ 'x'.center(10**9) }}",
    "{{ 'x'|center(10**9) }}",
    "{{ 'a\tb'.expandtabs(10**6) }}",
    "{{ 'abc'|replace('', 'y' * 1000000) }}",
    "{{ ('y' * 1000)|indent(10**6) }}",
    "{{ (['y' * 1000000] * 3)|join }}",
    "{% for x in ('y' * 1999999) %}{{ x }}{% endfor %}",
    "{{ '<b>'|safe }}",
    "{% autoescape false %}{{ case.code }}{% endautoescape %}",
    "{% include '../../../etc/passwd' %}",
    "{% include '/etc/passwd' %}",
    "{% import '../src/mediation/__init__.py' as m %}",
    "{% extends '../README.md' %}",
]
"""Template-injection and resource-exhaustion payloads; none may succeed."""

LEAKS = ("__", "<class", "<function", "<built-in", "<module", "uid=", "Undefined", "0x")


def _override(tmp_path: Path, name: str, source: str) -> Path:
    (tmp_path / name).write_text(source, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_refused(
    payload: str, tmp_path: Path, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """Each payload raises DocumentRenderError (at load or render) or renders nothing leaked;
    the official templates still render afterwards."""
    closed = scenarios["closed"]
    _override(tmp_path, "application.txt.j2", payload)
    started = time.monotonic()
    try:
        committee = DocumentRenderer(overrides=tmp_path, timeout=0.5)
        output = closed.render(committee, "application")
    except DocumentRenderError:
        pass
    else:
        assert isinstance(output, str)
        assert not any(leak in output for leak in LEAKS), output[:200]
        assert len(output) <= 2_000_000
    assert time.monotonic() - started < 3
    assert "张三" in closed.render(renderer, "application")
    if "committee" in locals():
        assert "张三" in closed.render(committee, "registration")


def test_only_mediation_errors_escape(tmp_path: Path, scenarios: dict[str, Scenario]) -> None:
    """Runtime errors of template code (1/0, bad types) become DocumentRenderError."""
    for source in ("{{ 1 / 0 }}", "{{ 'a' + 1 }}", "{{ parties|sum }}", "{% x %}"):
        _override(tmp_path, "application.txt.j2", source)
        with pytest.raises(MediationError):
            scenarios["closed"].render(DocumentRenderer(overrides=tmp_path), "application")


def test_missing_variable_is_named(tmp_path: Path, scenarios: dict[str, Scenario]) -> None:
    """StrictUndefined: a missing variable raises DocumentRenderError naming it, never blank."""
    _override(tmp_path, "application.txt.j2", "申请人：{{ no_such_variable }}")
    with pytest.raises(DocumentRenderError, match="no_such_variable"):
        scenarios["closed"].render(DocumentRenderer(overrides=tmp_path), "application")
    _override(tmp_path, "application.txt.j2", "{{ case.no_such_field }}")
    with pytest.raises(DocumentRenderError, match="no_such_field"):
        scenarios["closed"].render(DocumentRenderer(overrides=tmp_path), "application")


def test_error_names_template_and_line(tmp_path: Path, scenarios: dict[str, Scenario]) -> None:
    """The message points at the template file and line to fix."""
    _override(tmp_path, "application.txt.j2", "第一行\n第二行 {{ missing_here }}\n")
    with pytest.raises(DocumentRenderError, match=r"application\.txt\.j2:2"):
        scenarios["closed"].render(DocumentRenderer(overrides=tmp_path), "application")


def test_override_replaces_official_template(
    tmp_path: Path, scenarios: dict[str, Scenario], renderer: DocumentRenderer
) -> None:
    """A file in the overrides directory wins over the official one of the same name."""
    _override(tmp_path, "application.txt.j2", "本会格式：{{ case.code }}｜{{ parties[0].name }}")
    output = scenarios["closed"].render(DocumentRenderer(overrides=tmp_path), "application")
    assert output == "本会格式：（2026）东调字第0001号｜张三"
    assert "本会格式" not in scenarios["closed"].render(renderer, "application")


def test_override_of_shared_base_applies_to_every_kind(
    tmp_path: Path, scenarios: dict[str, Scenario]
) -> None:
    """Overriding ``_base.html.j2`` restyles every official HTML template."""
    base = (official_dir() / "_base.html.j2").read_text(encoding="utf-8")
    _override(tmp_path, "_base.html.j2", base.replace("<body>", "<body><p>青田县司法局监制</p>"))
    committee = DocumentRenderer(overrides=tmp_path)
    for kind in ("application", "mediation_agreement"):
        scenario = scenarios["signed"]
        assert "青田县司法局监制" in scenario.render(committee, kind, format="html")


def test_override_may_include_official_partials(
    tmp_path: Path, scenarios: dict[str, Scenario]
) -> None:
    """Includes resolve in the overrides, then the official directory."""
    _override(tmp_path, "application.txt.j2", '{% include "_parties.txt.j2" %}')
    output = scenarios["closed"].render(DocumentRenderer(overrides=tmp_path), "application")
    assert "332522********0014" in output  # the application masks IDs (MaskingPolicy)


def test_symlink_out_of_the_directory_is_refused(
    tmp_path: Path, scenarios: dict[str, Scenario]
) -> None:
    """A symlink in the overrides pointing outside the template directories is not followed."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "leak.txt.j2").symlink_to(secret)
    _override(overrides, "application.txt.j2", '{% include "leak.txt.j2" %}')
    with pytest.raises(DocumentRenderError, match=r"leak\.txt\.j2"):
        DocumentRenderer(overrides=overrides)
    (overrides / "leak.txt.j2").unlink()
    _override(overrides, "application.txt.j2", "{% include name %}")
    renderer = DocumentRenderer(overrides=overrides)
    for name in ("../secret.txt", str(secret), "leak.txt.j2"):
        with pytest.raises(DocumentRenderError):
            scenarios["closed"].render(renderer, "application", extra={"name": name})


def test_agreement_override_dropping_an_item_is_refused_at_load(tmp_path: Path) -> None:
    """An agreement template that no longer prints the place of performance cannot be loaded."""
    official = (official_dir() / "mediation_agreement.txt.j2").read_text(encoding="utf-8")
    dropped = official.replace("  履行地点：{{ agreement.performance_place }}\n", "")
    assert dropped != official
    _override(tmp_path, "mediation_agreement.txt.j2", dropped)
    with pytest.raises(DocumentRenderError) as info:
        DocumentRenderer(overrides=tmp_path)
    assert "履行的地点" in str(info.value)
    assert "agreement.performance_place" in str(info.value)


def test_agreement_override_dropping_terms_in_html_is_refused(tmp_path: Path) -> None:
    """Printing only the first term is dropping agreed content (every term must appear)."""
    official = (official_dir() / "mediation_agreement.html.j2").read_text(encoding="utf-8")
    changed = official.replace(
        "{% for t in agreement.terms %}", "{% for t in agreement.terms[:1] %}"
    )
    assert changed != official
    _override(tmp_path, "mediation_agreement.html.j2", changed)
    with pytest.raises(DocumentRenderError, match=r"agreement\.terms"):
        DocumentRenderer(overrides=tmp_path)


def test_termination_override_must_name_the_remedies(tmp_path: Path) -> None:
    """A termination notice without arbitration/administrative/judicial remedies is refused."""
    _override(tmp_path, "termination_notice.txt.j2", "{{ reason }}：终止调解。")
    with pytest.raises(DocumentRenderError, match="第二十六条"):
        DocumentRenderer(overrides=tmp_path)


def test_complete_agreement_override_is_accepted(
    tmp_path: Path, scenarios: dict[str, Scenario]
) -> None:
    """An edited agreement template that keeps every item loads and is used."""
    official = (official_dir() / "mediation_agreement.txt.j2").read_text(encoding="utf-8")
    heading = "{{ cn[n.i - 1] }}、纠纷的主要事实"
    assert heading in official
    edited = official.replace(heading, "第一部分 纠纷的主要事实")
    _override(tmp_path, "mediation_agreement.txt.j2", edited)
    text = scenarios["signed"].render(DocumentRenderer(overrides=tmp_path), "mediation_agreement")
    assert "第一部分 纠纷的主要事实" in text


def test_broken_override_is_refused_at_load(tmp_path: Path) -> None:
    """A syntax error in any override is reported when the renderer is built."""
    _override(tmp_path, "registration.html.j2", "{% if %}")
    with pytest.raises(DocumentRenderError, match=r"registration\.html\.j2"):
        DocumentRenderer(overrides=tmp_path)


def test_output_size_is_bounded(scenarios: dict[str, Scenario]) -> None:
    """Output beyond max_output raises instead of returning a huge document."""
    small = DocumentRenderer(max_output=500)
    with pytest.raises(DocumentRenderError, match="max_output"):
        scenarios["signed"].render(small, "mediation_agreement")


def test_render_time_is_bounded(tmp_path: Path, scenarios: dict[str, Scenario]) -> None:
    """A template that loops too long is stopped at the timeout."""
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    _override(tmp_path, "application.txt.j2", loop)
    committee = DocumentRenderer(overrides=tmp_path, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(DocumentRenderError, match="timeout"):
        scenarios["closed"].render(committee, "application")
    assert time.monotonic() - started < 1.5


def test_html_is_escaped(scenarios: dict[str, Scenario], renderer: DocumentRenderer) -> None:
    """Party data cannot inject markup into the HTML; the text format prints it as is."""
    s = scenarios["closed"]
    evil = attrs.evolve(s.case.parties[0], name='<script>alert("x")</script>')
    case = attrs.evolve(
        s.case, intake=attrs.evolve(s.case.intake, parties=(evil, *s.case.parties[1:]))
    )
    html = attrs.evolve(s, case=case).render(renderer, "application", format="html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    text = attrs.evolve(s, case=case).render(renderer, "application")
    assert '<script>alert("x")</script>' in text


def test_bad_overrides_directory(tmp_path: Path) -> None:
    """An overrides path that is not a directory is refused."""
    with pytest.raises(MediationError):
        DocumentRenderer(overrides=tmp_path / "missing")


def test_edit_after_load_does_not_bypass_the_check(
    tmp_path: Path, scenarios: dict[str, Scenario]
) -> None:
    """Templates are read once: editing an override after loading has no effect."""
    official = (official_dir() / "mediation_agreement.txt.j2").read_text(encoding="utf-8")
    path = (
        _override(tmp_path, "mediation_agreement.txt.j2", official) / "mediation_agreement.txt.j2"
    )
    committee = DocumentRenderer(overrides=tmp_path)
    path.write_text("{{ case.code }}", encoding="utf-8")
    text = scenarios["signed"].render(committee, "mediation_agreement")
    assert "青田县东门镇东门村" in text
