"""Scripted simulation of case flow on the real engine, on a virtual clock.

A scenario (TOML) describes a county — its organisation, mediators and
their capacity, arrivals per category and channel (Poisson, with seasonal,
weekday and rest-day profiles on the official calendar), triage, the
parties' and units' behaviour as a table per workflow, policy overrides,
horizon and seed. :func:`simulate` runs one replication through the same
:class:`~mediation.Engine`, workflows, rules, clocks and holidays as any
case, on the in-memory store (or a new SQLite file any engine opens), and
reads its figures back from the engine; :func:`run` runs replications
across processes (or a Dask cluster) and :func:`sweep` variants of a
scenario; :func:`write_outputs` and :func:`render_charts` write CSV, JSON
and charts. The same seed gives the same figures and byte-identical files.

Example:
    >>> from mediation.simulation import load_scenario, run, write_outputs
    >>> scenario = load_scenario("examples/scenarios/baseline.toml")  # doctest: +SKIP
    >>> result = run(scenario, seed=1, replications=5, workers=2)     # doctest: +SKIP
    >>> write_outputs([result], "out/")                               # doctest: +SKIP

The scenario file, table by table (every error names its key path):

``[scenario]``
    ``name``, ``title``, ``start`` (date), ``days`` (of arrivals),
    ``drain_days``, ``seed``, ``replications``, ``workflow``, ``org`` (a units
    file, or give ``[[units]]`` inline), ``leaders`` (the 领导包案 roster, a
    leaders file checked against the org; without it a leader of the level the
    rules ask is named), ``office`` (``["08:30", "17:30"]``),
    ``arrival_scale``, ``capacity_scale``, ``supervise_every_days``, ``confidence``.
``[capacity.<level>]``, ``[capacity.units.<unit id>]``
    ``mediators`` and ``cases_each`` (cases one mediator holds at once).
``[receiving]``
    Receiving units and weights (default: every village committee alike).
``[profile]``
    ``months`` (12 factors), ``weekdays`` (7, Monday first), ``rest_day``.
``[arrivals.<category>]``
    ``rate`` (per year) or ``process = "scripted"`` with ``at = [...]``;
    ``channels`` (shares), ``amount`` (``{median, sigma}``), ``skip_level``,
    ``profile``, ``receiving``, ``workflow`` (``"petition"``: the matters are
    petitions brought to the petition office the org designates; their
    ``skip_level`` is the share of 越级走访, 《信访工作条例》第二十条第一款).
``[triage]``
    ``levels`` (per category), ``amounts`` (``[{over, level}]``), ``industry``
    (categories sent to an industry committee), ``tracks`` (shares per category).
``[policy]``
    ``callbacks``, ``periods.<id>`` (``length``, ``unit``, ``soft``), ``supervision``.
``[behaviour.<workflow>.<state>.<row>]``
    ``p``, ``delay`` and the row's parameters (see :func:`dispute_behaviour` and
    :func:`petition_behaviour`: ``[behaviour.petition...]`` — 转送, 受理, 60-day
    handling and its extension, 访调对接, 复查 and 复核 requests, 领导包案 and its
    sign-off, 最多跑一地 permits, repeat petitions).

A dispute that comes back (``closed.repeat``, 重复信访) is a petition on the petition
workflow, linked ``repeat_of`` the dispute; a petition's hand-offs (转送, 复查, 访调对接)
open cases the runner drives with their own tables. The KPIs read petitions,
repeat petitions, 包案 cases and the one-place rate (最多跑一地) through
``engine.statistics``.

Behaviour is data: a :class:`WorkflowBehaviour` per workflow (and version)
says, state by state, which trigger is taken next with what probability and
delay and with what inputs, which new cases a state spawns, and which states
hold a mediator. A workflow's new steps (a referral, a 三调联动 hand-off) are
new rows; a new workflow is a new table in the registry of
:mod:`mediation.simulation._sections` (as petitions are).
"""

from __future__ import annotations

from mediation.simulation._api import Replication as Replication
from mediation.simulation._api import Result as Result
from mediation.simulation._api import run as run
from mediation.simulation._api import simulate as simulate
from mediation.simulation._api import sweep as sweep
from mediation.simulation._behaviour import Choice as Choice
from mediation.simulation._behaviour import Param as Param
from mediation.simulation._behaviour import Spawn as Spawn
from mediation.simulation._behaviour import SpawnPlan as SpawnPlan
from mediation.simulation._behaviour import StateBehaviour as StateBehaviour
from mediation.simulation._behaviour import StepContext as StepContext
from mediation.simulation._behaviour import WorkflowBehaviour as WorkflowBehaviour
from mediation.simulation._charts import cjk_font as cjk_font
from mediation.simulation._charts import draw_charts as draw_charts
from mediation.simulation._charts import render_charts as render_charts
from mediation.simulation._dispute import dispute_behaviour as dispute_behaviour
from mediation.simulation._distributions import Delay as Delay
from mediation.simulation._distributions import Keyed as Keyed
from mediation.simulation._errors import SimulationError as SimulationError
from mediation.simulation._kpis import case_figures as case_figures
from mediation.simulation._kpis import conservation as conservation
from mediation.simulation._kpis import schema as schema
from mediation.simulation._output import write_outputs as write_outputs
from mediation.simulation._petition import petition_behaviour as petition_behaviour
from mediation.simulation._scenario import Capacity as Capacity
from mediation.simulation._scenario import Scenario as Scenario
from mediation.simulation._scenario import load_scenario as load_scenario
from mediation.simulation._scenario import parse_scenario as parse_scenario
from mediation.simulation._stats import Interval as Interval

__all__ = [
    "Capacity",
    "Choice",
    "Delay",
    "Interval",
    "Keyed",
    "Param",
    "Replication",
    "Result",
    "Scenario",
    "SimulationError",
    "Spawn",
    "SpawnPlan",
    "StateBehaviour",
    "StepContext",
    "WorkflowBehaviour",
    "case_figures",
    "cjk_font",
    "conservation",
    "dispute_behaviour",
    "draw_charts",
    "load_scenario",
    "parse_scenario",
    "petition_behaviour",
    "render_charts",
    "run",
    "schema",
    "simulate",
    "sweep",
    "write_outputs",
]
