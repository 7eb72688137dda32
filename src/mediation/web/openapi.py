"""The OpenAPI 3.1 document of ``/api/v1``, built from the registered workflows.

Every trigger's inputs class (and every ``attrs`` class inside it) becomes a
schema under ``components/schemas`` (:func:`mediation.web.forms.json_schema`),
so the document of an engine with a new workflow describes its steps too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mediation import Deadline, Engine, NoInputs, __version__
from mediation.web.documents import MEDIA
from mediation.web.forms import json_schema, nested_classes

__all__ = ["openapi", "schema_name"]


def schema_name(cls: type) -> str:
    """The schema name of an ``attrs`` class: its module and name (unique per class)."""
    return f"{cls.__module__.replace('.', '_')}__{cls.__name__}"


_ERROR = {"$ref": "#/components/responses/Error"}


def _step_inputs(engine: Engine) -> dict[str, type]:
    """Every trigger's and listed step's inputs class, by a unique schema name."""
    classes: dict[str, type] = {}
    for d in engine.workflows():
        for t in d.transitions:
            classes.setdefault(schema_name(t.inputs), t.inputs)
        classes.setdefault(schema_name(d.intake_inputs), d.intake_inputs)
    classes.setdefault(schema_name(NoInputs), NoInputs)
    return classes


def openapi(engine: Engine) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API, with every step's inputs as a schema."""
    schemas: dict[str, Any] = {}
    step_refs = []
    for cls in _step_inputs(engine).values():
        for nested in nested_classes(cls):
            schemas.setdefault(schema_name(nested), json_schema(nested, name_of=schema_name))
        step_refs.append({"$ref": f"#/components/schemas/{schema_name(cls)}"})
    schemas.update(_fixed_schemas(engine))
    schemas["StepRequest"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "inputs": {
                "description": "这一步的输入（见 GET /cases/{case_id}/steps 给出的 inputs 模式）",
                "oneOf": step_refs,
            },
            "expected_version": {
                "type": "integer",
                "description": "表单所依据的案件版本；案件已被他人修改时返回 409",
            },
        },
    }
    case_id = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}
    kind = {"name": "kind", "in": "path", "required": True, "schema": {"type": "string"}}

    def op(summary: str, ok: Mapping[str, Any], **more: Any) -> dict[str, Any]:
        responses: dict[str, Any] = {
            "200": ok,
            "401": _ERROR,
            "404": _ERROR,
            "422": _ERROR,
        }
        responses.update(more.pop("responses", {}))
        return {"summary": summary, "responses": responses, **more}

    def body(ref: str) -> dict[str, Any]:
        return {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        }

    def ok(ref: str, description: str = "成功") -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        }

    query = [
        {"name": name, "in": "query", "required": False, "schema": {"type": kind_}}
        for name, kind_ in (
            ("state", "string"),
            ("category", "string"),
            ("within", "string"),
            ("workflow", "string"),
            ("party_id", "string"),
            ("limit", "integer"),
            ("offset", "integer"),
            ("after", "string"),
        )
    ]
    paths = {
        "/cases": {
            "get": op(
                "案件列表（按状态、类别、单位、当事人证件号码筛选）",
                ok("CaseList"),
                parameters=query,
            ),
            "post": op(
                "受理登记",
                ok("Case"),
                requestBody=body("Registration"),
                responses={"201": ok("Case", "已登记")},
            ),
        },
        "/cases/{case_id}": {"get": op("案件", ok("Case"), parameters=[case_id])},
        "/cases/{case_id}/history": {
            "get": op("办理过程（审计日志）", ok("History"), parameters=[case_id])
        },
        "/cases/{case_id}/steps": {
            "get": op("可办理的步骤及其输入模式", ok("Steps"), parameters=[case_id])
        },
        "/cases/{case_id}/steps/{name}": {
            "post": op(
                "办理一步",
                ok("Case"),
                parameters=[
                    case_id,
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                requestBody=body("StepRequest"),
                responses={"409": _ERROR},
            )
        },
        "/cases/{case_id}/documents": {
            "get": op("文书及编号", ok("Documents"), parameters=[case_id])
        },
        "/cases/{case_id}/documents/{kind}": {
            "get": op(
                "下载文书",
                {
                    "description": "文书",
                    "content": {
                        media: {"schema": {"type": "string", "format": "binary"}}
                        for media in (*MEDIA.values(), "text/html", "text/plain")
                    },
                },
                parameters=[
                    case_id,
                    kind,
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["docx", "pdf", "html", "text"]},
                    },
                ],
            ),
            "post": op("出具文书（分配编号）", ok("IssuedNumber"), parameters=[case_id, kind]),
        },
        "/due": {
            "get": op(
                "超期与预警",
                ok("DueList"),
                parameters=[
                    {"name": "warnings", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "within", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
            )
        },
        "/statistics": {
            "get": op(
                "统计（期内受理、办结、化解率、按期率、在办走势等；及当前期限预警）",
                ok("Statistics"),
                parameters=[
                    {
                        "name": name,
                        "in": "query",
                        "required": False,
                        "description": text,
                        "schema": {"type": "string", "format": "date"}
                        if date
                        else {"type": "string"},
                    }
                    for name, text, date in (
                        ("since", "起始日期（含），默认本年1月1日", True),
                        ("until", "截止日期（含），默认今天", True),
                        ("within", "只统计该单位及其下级", False),
                    )
                ],
            )
        },
        "/workflows": {"get": op("流程定义", ok("Workflows"))},
        "/openapi.json": {"get": op("本文档", {"description": "OpenAPI 文档"}, security=[])},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mediation 调委会接口",
            "version": __version__,
            "description": "矛盾纠纷调解案件的受理、办理、查询与文书接口。每个请求须带接口令牌；"
            "权限与数据范围与页面相同。",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "错误（message 为中文说明）",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
        },
    }


def _fixed_schemas(engine: Engine) -> dict[str, Any]:
    """Schemas of the API's own bodies: a case, a registration, lists, errors."""
    obj: dict[str, Any] = {"type": "object"}
    string = {"type": "string"}

    def array_of(ref: str) -> dict[str, Any]:
        return {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}

    case_schema = {
        "type": "object",
        "required": ["id", "code", "workflow", "state", "unit", "version"],
        "properties": {
            "id": string,
            "code": string,
            "kind": string,
            "workflow": string,
            "workflow_version": {"type": "integer"},
            "state": string,
            "state_label": string,
            "workflow_label": string,
            "closed": {"type": "boolean"},
            "unit": string,
            "level": {"type": ["string", "null"]},
            "intake": obj,
            "assignees": {"type": "array", "items": string},
            "deadlines": array_of(schema_name(Deadline)),
            "details": {},
            "documents": {"type": "array", "items": obj},
            "version": {"type": "integer"},
        },
    }
    party = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {
            "kind": {"type": "string", "enum": ["person", "organisation"]},
            "name": string,
            "role": {
                "type": "string",
                "enum": ["applicant", "respondent", "third_party", "agent"],
            },
            "id": string,
            "id_number": string,
            "org_code": string,
            "phone": string,
            "address": string,
            "agent_of": string,
        },
    }
    registration = {
        "type": "object",
        "required": ["channel", "category", "summary", "parties"],
        "additionalProperties": False,
        "properties": {
            "workflow": {
                "type": "string",
                "enum": sorted({d.name for d in engine.workflows()}),
            },
            "kind": string,
            "channel": {"type": "string", "enum": list(engine.policy.channels)},
            "category": {"type": "string", "enum": list(engine.policy.categories)},
            "unit": {"type": "string", "description": "受理单位（默认为接口账户所属单位）"},
            "summary": string,
            "parties": {"type": "array", "minItems": 1, "items": party},
            "claims": {"type": "array", "items": string},
            "amount": {"type": ["string", "integer"]},
            "location": {"type": "array", "items": string},
            "risk": {"type": "string", "enum": ["low", "medium", "high"]},
            "details": obj,
            "case_id": string,
        },
    }
    event = {
        "type": "object",
        "properties": {
            "case_id": string,
            "seq": {"type": "integer"},
            "trigger": string,
            "actor": string,
            "at": {"type": "string", "format": "date-time"},
            "source": string,
            "dest": string,
            "data": obj,
            "hash": string,
        },
    }
    step = {
        "type": "object",
        "properties": {
            "name": string,
            "label": string,
            "allowed": {"type": "boolean"},
            "needs": {"type": "array", "items": string},
            "reason": string,
            "basis": string,
            "field": {"type": ["string", "null"]},
            "step": {"type": "boolean"},
            "inputs": {"type": "object", "description": "这一步输入的 JSON Schema"},
        },
    }
    deadline = json_schema(Deadline)
    return {
        "Case": case_schema,
        "Registration": registration,
        schema_name(Deadline): deadline,
        "CaseList": {
            "type": "object",
            "properties": {
                "cases": array_of("Case"),
                "next": {
                    "type": ["string", "null"],
                    "description": "下一页的游标：原样作为 after 传回（最后一页为 null）",
                },
            },
        },
        "History": {"type": "object", "properties": {"events": {"type": "array", "items": event}}},
        "Steps": {
            "type": "object",
            "properties": {
                "case_id": string,
                "version": {"type": "integer"},
                "steps": {"type": "array", "items": step},
            },
        },
        "Documents": {
            "type": "object",
            "properties": {
                "documents": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "kind": string,
                            "title": string,
                            "number": {"type": ["string", "null"]},
                        },
                    },
                }
            },
        },
        "IssuedNumber": {
            "type": "object",
            "properties": {"kind": string, "number": string},
        },
        "DueList": {"type": "object", "properties": {"items": {"type": "array", "items": obj}}},
        "Statistics": {
            "type": "object",
            "description": "定义见 mediation.statistics；比率无分母时为 null",
            "properties": {
                **{
                    name: {"type": "integer"}
                    for name in (
                        "received",
                        "resolved",
                        "failed",
                        "transferred",
                        "other_ended",
                        "open",
                        "backlog",
                        "referrals",
                        "handoffs",
                        "petitions",
                        "repeat_petitions",
                        "baoan",
                        "onestop_ended",
                        "one_place",
                    )
                },
                **{
                    name: {"type": ["number", "null"]}
                    for name in (
                        "success_rate",
                        "on_time_duty",
                        "referrals_per_case",
                        "handoffs_per_case",
                        "one_place_rate",
                        "satisfaction_rate",
                    )
                },
                **{
                    name: {"type": "object", "additionalProperties": {"type": "integer"}}
                    for name in (
                        "by_channel",
                        "by_category",
                        "closed_by",
                        "resolved_by_level",
                        "duty_clocks",
                        "satisfaction",
                        "clocks",
                    )
                },
                **{
                    name: {"type": "object", "additionalProperties": {"type": ["number", "null"]}}
                    for name in ("resolved_share", "on_time")
                },
                "unit": {"type": ["string", "null"]},
                "since": {"type": "string", "format": "date"},
                "until": {"type": "string", "format": "date"},
                "as_of": {"type": "string", "format": "date-time"},
                "time_to_close": obj,
                "backlog_daily": {
                    "type": "array",
                    "items": {"type": "array", "prefixItems": [string, {"type": "integer"}]},
                },
                "clocks_capped": {"type": "boolean"},
            },
        },
        "Workflows": {
            "type": "object",
            "properties": {"workflows": {"type": "array", "items": obj}},
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": string,
                        "message": string,
                        "field": string,
                        "label": string,
                        "rule": string,
                        "basis": string,
                    },
                }
            },
        },
    }
