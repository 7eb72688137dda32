"""Mediation documents (人民调解文书): templates, sandbox and output formats.

This package is the only part of ``mediation`` that imports Jinja2 (and,
lazily, python-docx and WeasyPrint)::

    from mediation.documents import DocumentRenderer

    renderer = DocumentRenderer()
    text = renderer.render("mediation_agreement", case, history=engine.history(case.id),
                           unit=org.get(case.unit), number="（2026）东调字第0001号")
    pdf = renderer.render("mediation_agreement", case, format="pdf", ...)

Kinds (``DocumentRenderer().kinds()``): ``application`` 人民调解申请书,
``registration`` 受理登记表, ``non_acceptance_notice`` 不予受理告知书,
``mediation_record`` 调解笔录, ``mediation_agreement`` 人民调解协议书,
``oral_agreement_register`` 口头协议登记表, ``termination_notice`` 终止调解告知书,
``judicial_confirmation_application`` 司法确认申请书, ``callback_record`` 回访记录,
``closing_report`` 结案报告表, ``dossier_index`` 卷宗目录, ``supervision_notice`` 督办通知.

How a document is made:

1. A registered context builder turns the case (and the history, unit,
   number, ``extra`` the caller passes) into plain data; the agreement is
   validated first (every required item of 《人民调解工作若干规定》第三十五条,
   else ``ValidationError`` naming ``agreement.<field>``).
2. ``<kind>.txt.j2`` or ``<kind>.html.j2`` renders in the bounded immutable
   sandbox (:mod:`mediation.documents._sandbox`): ``StrictUndefined`` (a
   missing variable raises ``DocumentRenderError`` naming it), HTML autoescape
   that templates cannot switch off, no attribute walks, no ``str.format``,
   no mutation, includes confined to the template directories, output and
   intermediate values bounded by ``max_output``, time bounded by ``timeout``
   through cooperative deadline checks.
3. DOCX is laid out from the HTML rendering with python-docx; PDF by WeasyPrint
   from the same HTML (extras ``mediation[docx]`` / ``mediation[pdf]``).

Adding a built-in kind: write ``templates/documents/<kind>.txt.j2`` and
``.html.j2`` and a builder decorated with ``@document("<kind>", "<标题>")`` in a
``_kinds_*`` module. A kind of an embedder's own workflow is a
:class:`DocumentSpec` (kind, builder, template directory) passed as
``DocumentRenderer(kinds=[...])``, and listed in the workflow's ``documents``.
"""

from mediation.documents._registry import DocumentKind as DocumentKind
from mediation.documents._registry import Source as Source
from mediation.documents._registry import Spec as DocumentSpec
from mediation.documents._renderer import FORMATS as FORMATS
from mediation.documents._renderer import DocumentRenderer as DocumentRenderer

__all__ = ["FORMATS", "DocumentKind", "DocumentRenderer", "DocumentSpec", "Source"]
