"""The dispute workflow's rules, version 2: people's mediation and its sister tracks, to the letter.

Each function is pure: ``(case, context) -> Decision`` for a guard,
``(case, context) -> Case`` for an effect; the workflow in
:mod:`mediation.workflows.dispute` wires them to transitions with the inputs
class of each trigger defined here. Cases recorded under release 0.1 run on
version 1 (:mod:`mediation.rules.dispute_v1`, frozen); both share
:class:`DisputeDetails`, so a running case can be migrated.

What version 2 applies (RULES.md is the source for each; the articles are
cited where they apply):

- **Registration** complete before triage (parties' contact, the place); the
  level is always the owning unit's; duplicates are shown at intake and a new
  case beside an open one on the same matter needs the clerk's reason.
- **Acceptance**: 《人民调解法》第十七条 (a party's clear refusal is recorded and
  ends the case as not accepted), 2002 规定 第二十二条 (matters reserved to
  another organ or already handled are not accepted), 第二十四条 (a dispute
  that may escalate is stabilised before it is handed over).
- **Clocks at the right moment**: labour mediation counts 15 days from the day
  the body received the application (《劳动争议调解仲裁法》第十四条); police
  traffic mediation 10 working days from the start the rule names
  (《道路交通事故处理程序规定》第九十条); the health department decides on
  acceptance in 5 working days (《医疗纠纷预防和处理条例》第四十条); 治安调解
  holds at most two sessions, the first within 3 working days, the second
  within 7 (《公安机关办理行政案件程序规定》第一百八十三条).
- **Rights and duties** told before mediation starts (2002 规定 第三十条).
- **Agreements that are legally effective**: written where 2002 规定 第三十四条
  requires; effective only when every party and the mediator have signed and
  the committee has sealed (《人民调解法》第二十九条), and only then performed;
  signatures dated between the agreement and now; a performance date not
  before the agreement takes effect; a re-mediated agreement (2002 规定
  第三十七条) replaces the old one and opens its own confirmation window.
- **Refusal at any time** (《人民调解法》第十七条、第二十三条) ends mediation with
  the remedies of 第二十六条; **escalation risk** (第二十五条) is a recorded step
  and an owed report; **judicial confirmation** is a stage with the court's
  periods (《民事诉讼法》第二百零五、二百零六条; 民诉法解释 第三百五十五、三百五十八条).
- **Callbacks**: the callback clock is met by the visit, not by closing; a
  case closes without the visits its policy requires only with a stated
  reason, and then the clock is not counted as met.
- **Referral** up, down and across with reason codes (:mod:`mediation.rules.referral`),
  and **hand-offs** between tracks (三调联动) that open a linked case.
"""

from __future__ import annotations

from mediation.rules.dispute._common import _ADMINISTRATIVE as ADMINISTRATIVE
from mediation.rules.dispute._common import ACCEPTANCE as ACCEPTANCE
from mediation.rules.dispute._common import CALLBACK as CALLBACK
from mediation.rules.dispute._common import CLOSING as CLOSING
from mediation.rules.dispute._common import CONFIRMATION as CONFIRMATION
from mediation.rules.dispute._common import COURT_ACCEPT as COURT_ACCEPT
from mediation.rules.dispute._common import COURT_EXAMINE as COURT_EXAMINE
from mediation.rules.dispute._common import COURT_STATUTORY as COURT_STATUTORY
from mediation.rules.dispute._common import ENFORCEMENT as ENFORCEMENT
from mediation.rules.dispute._common import ESCALATION_REPORT as ESCALATION_REPORT
from mediation.rules.dispute._common import FEEDBACK as FEEDBACK
from mediation.rules.dispute._common import FEEDBACK_CLOCKS as FEEDBACK_CLOCKS
from mediation.rules.dispute._common import FEEDBACK_DEFAULT as FEEDBACK_DEFAULT
from mediation.rules.dispute._common import FEEDBACK_TARGET as FEEDBACK_TARGET
from mediation.rules.dispute._common import MEDIATION_CLOCKS as MEDIATION_CLOCKS
from mediation.rules.dispute._common import MEDICAL_ADMIN_ACCEPT as MEDICAL_ADMIN_ACCEPT
from mediation.rules.dispute._common import OBJECTION as OBJECTION
from mediation.rules.dispute._common import PS_HANDLING as PS_HANDLING
from mediation.rules.dispute._common import SIGNING as SIGNING
from mediation.rules.dispute._common import SUSPENSION as SUSPENSION
from mediation.rules.dispute._common import TRAFFIC_APPLY as TRAFFIC_APPLY
from mediation.rules.dispute._common import TRAFFIC_START as TRAFFIC_START
from mediation.rules.dispute._common import TRAFFIC_SWITCH as TRAFFIC_SWITCH
from mediation.rules.dispute._common import AgreementPolicy as AgreementPolicy
from mediation.rules.dispute._common import RegistrationPolicy as RegistrationPolicy
from mediation.rules.dispute.acceptance import AcceptInputs as AcceptInputs
from mediation.rules.dispute.acceptance import AppraisalInputs as AppraisalInputs
from mediation.rules.dispute.acceptance import MediationStartInputs as MediationStartInputs
from mediation.rules.dispute.acceptance import StartEvent as StartEvent
from mediation.rules.dispute.acceptance import accept_dates_guard as accept_dates_guard
from mediation.rules.dispute.acceptance import accept_guard as accept_guard
from mediation.rules.dispute.acceptance import appraisal_guard as appraisal_guard
from mediation.rules.dispute.acceptance import competence_guard as competence_guard
from mediation.rules.dispute.acceptance import court_took_over_guard as court_took_over_guard
from mediation.rules.dispute.acceptance import handled_by_guard as handled_by_guard
from mediation.rules.dispute.acceptance import handled_elsewhere_guard as handled_elsewhere_guard
from mediation.rules.dispute.acceptance import mediation_start_guard as mediation_start_guard
from mediation.rules.dispute.acceptance import medical_dispute as medical_dispute
from mediation.rules.dispute.acceptance import medical_exclusive_guard as medical_exclusive_guard
from mediation.rules.dispute.acceptance import not_accepted_guard as not_accepted_guard
from mediation.rules.dispute.acceptance import on_accept as on_accept
from mediation.rules.dispute.acceptance import on_appraisal as on_appraisal
from mediation.rules.dispute.acceptance import on_mediation_start as on_mediation_start
from mediation.rules.dispute.acceptance import on_not_accepted as on_not_accepted
from mediation.rules.dispute.acceptance import (
    on_not_accepted_current as on_not_accepted_current,
)
from mediation.rules.dispute.acceptance import one_body_dispute as one_body_dispute
from mediation.rules.dispute.acceptance import reads_other_bodies as reads_other_bodies
from mediation.rules.dispute.acceptance import refused_by_guard as refused_by_guard
from mediation.rules.dispute.acceptance import start_pending_guard as start_pending_guard
from mediation.rules.dispute.after_ruling import AFTER_RULING as AFTER_RULING
from mediation.rules.dispute.after_ruling import AfterRuling as AfterRuling
from mediation.rules.dispute.after_ruling import EnforcementInputs as EnforcementInputs
from mediation.rules.dispute.after_ruling import ObjectionInputs as ObjectionInputs
from mediation.rules.dispute.after_ruling import Objector as Objector
from mediation.rules.dispute.after_ruling import enforcement_guard as enforcement_guard
from mediation.rules.dispute.after_ruling import objection_guard as objection_guard
from mediation.rules.dispute.after_ruling import on_enforcement as on_enforcement
from mediation.rules.dispute.after_ruling import on_objection as on_objection
from mediation.rules.dispute.agreement import AgreeInputs as AgreeInputs
from mediation.rules.dispute.agreement import agree_guard as agree_guard
from mediation.rules.dispute.agreement import agreement_signers_guard as agreement_signers_guard
from mediation.rules.dispute.agreement import binding_stage_guard as binding_stage_guard
from mediation.rules.dispute.agreement import effective as effective
from mediation.rules.dispute.agreement import medical_period_over as medical_period_over
from mediation.rules.dispute.agreement import on_agree as on_agree
from mediation.rules.dispute.agreement import on_sign as on_sign
from mediation.rules.dispute.agreement import on_unsigned_dropped as on_unsigned_dropped
from mediation.rules.dispute.agreement import performance_guard as performance_guard
from mediation.rules.dispute.agreement import police_period_guard as police_period_guard
from mediation.rules.dispute.agreement import police_period_over as police_period_over
from mediation.rules.dispute.agreement import sign_guard as sign_guard
from mediation.rules.dispute.agreement import signed_once_guard as signed_once_guard
from mediation.rules.dispute.agreement import signer_guard as signer_guard
from mediation.rules.dispute.agreement import unsigned_guard as unsigned_guard
from mediation.rules.dispute.agreement import written_only_guard as written_only_guard
from mediation.rules.dispute.agreement import written_required as written_required
from mediation.rules.dispute.court import COURT_REPORT as COURT_REPORT
from mediation.rules.dispute.court import ApplyConfirmationInputs as ApplyConfirmationInputs
from mediation.rules.dispute.court import CourtReport as CourtReport
from mediation.rules.dispute.court import CourtReportInputs as CourtReportInputs
from mediation.rules.dispute.court import CourtRulesInputs as CourtRulesInputs
from mediation.rules.dispute.court import apply_confirmation_guard as apply_confirmation_guard
from mediation.rules.dispute.court import court_accepts_guard as court_accepts_guard
from mediation.rules.dispute.court import court_mediation as court_mediation
from mediation.rules.dispute.court import court_report_guard as court_report_guard
from mediation.rules.dispute.court import court_report_owed as court_report_owed
from mediation.rules.dispute.court import court_rules_guard as court_rules_guard
from mediation.rules.dispute.court import on_apply_confirmation as on_apply_confirmation
from mediation.rules.dispute.court import on_court_accepts as on_court_accepts
from mediation.rules.dispute.court import on_court_report as on_court_report
from mediation.rules.dispute.court import on_court_rules as on_court_rules
from mediation.rules.dispute.details import Confirmation as Confirmation
from mediation.rules.dispute.details import DisputeDetails as DisputeDetails
from mediation.rules.dispute.details import Feedback as Feedback
from mediation.rules.dispute.details import Referral as Referral
from mediation.rules.dispute.details import Refusal as Refusal
from mediation.rules.dispute.details import RiskReport as RiskReport
from mediation.rules.dispute.details import Satisfaction as Satisfaction
from mediation.rules.dispute.details import TrackFacts as TrackFacts
from mediation.rules.dispute.details import details as details
from mediation.rules.dispute.details import dispute_keys as dispute_keys
from mediation.rules.dispute.documents import dispute_facts as dispute_facts
from mediation.rules.dispute.documents import remedies as remedies
from mediation.rules.dispute.intake import DisputeIntake as DisputeIntake
from mediation.rules.dispute.intake import TriageInputs as TriageInputs
from mediation.rules.dispute.intake import intake_guard as intake_guard
from mediation.rules.dispute.intake import on_intake as on_intake
from mediation.rules.dispute.intake import on_triage as on_triage
from mediation.rules.dispute.intake import police_mediation as police_mediation
from mediation.rules.dispute.intake import registration_problems as registration_problems
from mediation.rules.dispute.intake import traffic_application_guard as traffic_application_guard
from mediation.rules.dispute.intake import traffic_police_mediation as traffic_police_mediation
from mediation.rules.dispute.intake import triage_guard as triage_guard
from mediation.rules.dispute.limitation import LABOUR_TIME_BAR as LABOUR_TIME_BAR
from mediation.rules.dispute.limitation import LAND_TIME_BAR as LAND_TIME_BAR
from mediation.rules.dispute.limitation import LIMITATION as LIMITATION
from mediation.rules.dispute.limitation import LIMITATION_RECORD as LIMITATION_RECORD
from mediation.rules.dispute.limitation import PROCEDURE_ENDS as PROCEDURE_ENDS
from mediation.rules.dispute.limitation import Limitation as Limitation
from mediation.rules.dispute.limitation import LimitationInputs as LimitationInputs
from mediation.rules.dispute.limitation import limitation_guard as limitation_guard
from mediation.rules.dispute.limitation import on_limitation as on_limitation
from mediation.rules.dispute.limitation import on_procedure_end as on_procedure_end
from mediation.rules.dispute.mediation import ChangeMediatorsInputs as ChangeMediatorsInputs
from mediation.rules.dispute.mediation import InformInputs as InformInputs
from mediation.rules.dispute.mediation import MediatorsInputs as MediatorsInputs
from mediation.rules.dispute.mediation import PartyRefusesInputs as PartyRefusesInputs
from mediation.rules.dispute.mediation import RiskInputs as RiskInputs
from mediation.rules.dispute.mediation import SuspendInputs as SuspendInputs
from mediation.rules.dispute.mediation import TerminateInputs as TerminateInputs
from mediation.rules.dispute.mediation import (
    change_mediators_guard as change_mediators_guard,
)
from mediation.rules.dispute.mediation import (
    committee_rights_guard as committee_rights_guard,
)
from mediation.rules.dispute.mediation import decided_start_guard as decided_start_guard
from mediation.rules.dispute.mediation import (
    mediator_not_party_guard as mediator_not_party_guard,
)
from mediation.rules.dispute.mediation import on_change_mediators as on_change_mediators
from mediation.rules.dispute.mediation import on_informed as on_informed
from mediation.rules.dispute.mediation import on_party_refuses as on_party_refuses
from mediation.rules.dispute.mediation import (
    on_party_refuses_current as on_party_refuses_current,
)
from mediation.rules.dispute.mediation import on_penalty as on_penalty
from mediation.rules.dispute.mediation import on_resume as on_resume
from mediation.rules.dispute.mediation import on_risk as on_risk
from mediation.rules.dispute.mediation import on_second_session as on_second_session
from mediation.rules.dispute.mediation import on_start as on_start
from mediation.rules.dispute.mediation import on_suspend as on_suspend
from mediation.rules.dispute.mediation import on_terminate as on_terminate
from mediation.rules.dispute.mediation import party_refuses_guard as party_refuses_guard
from mediation.rules.dispute.mediation import penalty_first_guard as penalty_first_guard
from mediation.rules.dispute.mediation import penalty_guard as penalty_guard
from mediation.rules.dispute.mediation import (
    presiding_officer_guard as presiding_officer_guard,
)
from mediation.rules.dispute.mediation import (
    public_order_parties_guard as public_order_parties_guard,
)
from mediation.rules.dispute.mediation import public_order_pending as public_order_pending
from mediation.rules.dispute.mediation import refusal_guard as refusal_guard
from mediation.rules.dispute.mediation import report_owed_check as report_owed_check
from mediation.rules.dispute.mediation import risk_guard as risk_guard
from mediation.rules.dispute.mediation import second_session_guard as second_session_guard
from mediation.rules.dispute.mediation import start_guard as start_guard
from mediation.rules.dispute.mediation import terminate_guard as terminate_guard
from mediation.rules.dispute.mediation import (
    told_guard as told_guard,
)
from mediation.rules.dispute.mediation import (
    traffic_session_guard as traffic_session_guard,
)
from mediation.rules.dispute.performance import ArchiveInputs as ArchiveInputs
from mediation.rules.dispute.performance import CallbackInputs as CallbackInputs
from mediation.rules.dispute.performance import CloseInputs as CloseInputs
from mediation.rules.dispute.performance import NoteInputs as NoteInputs
from mediation.rules.dispute.performance import PerformanceFinding as PerformanceFinding
from mediation.rules.dispute.performance import PerformedInputs as PerformedInputs
from mediation.rules.dispute.performance import ReasonInputs as ReasonInputs
from mediation.rules.dispute.performance import RemediateInputs as RemediateInputs
from mediation.rules.dispute.performance import TransferInputs as TransferInputs
from mediation.rules.dispute.performance import WithdrawInputs as WithdrawInputs
from mediation.rules.dispute.performance import callback_guard as callback_guard
from mediation.rules.dispute.performance import close_guard as close_guard
from mediation.rules.dispute.performance import close_guard_current as close_guard_current
from mediation.rules.dispute.performance import (
    confirmed_agreement_guard as confirmed_agreement_guard,
)
from mediation.rules.dispute.performance import consent_guard as consent_guard
from mediation.rules.dispute.performance import on_callback as on_callback
from mediation.rules.dispute.performance import on_close as on_close
from mediation.rules.dispute.performance import on_not_performed as on_not_performed
from mediation.rules.dispute.performance import on_performed as on_performed
from mediation.rules.dispute.performance import (
    on_performed_current as on_performed_current,
)
from mediation.rules.dispute.performance import on_reopen as on_reopen
from mediation.rules.dispute.performance import on_transfer as on_transfer
from mediation.rules.dispute.performance import on_withdraw as on_withdraw
from mediation.rules.dispute.performance import police_mediation_once as police_mediation_once
from mediation.rules.dispute.performance import remediate_guard as remediate_guard
from mediation.rules.dispute.performance import transfer_guard as transfer_guard
from mediation.rules.dispute.performance import unperformed as unperformed
from mediation.rules.dispute.performance import visits_owed as visits_owed
from mediation.rules.dispute.performance import withdraw_guard as withdraw_guard
from mediation.rules.dispute.referral import FeedbackInputs as FeedbackInputs
from mediation.rules.dispute.referral import HandOffInputs as HandOffInputs
from mediation.rules.dispute.referral import ReferInputs as ReferInputs
from mediation.rules.dispute.referral import ReturnReferralInputs as ReturnReferralInputs
from mediation.rules.dispute.referral import TakeReferralInputs as TakeReferralInputs
from mediation.rules.dispute.referral import feedback_guard as feedback_guard
from mediation.rules.dispute.referral import hand_off_guard as hand_off_guard
from mediation.rules.dispute.referral import hand_off_in_time_guard as hand_off_in_time_guard
from mediation.rules.dispute.referral import hand_off_track_guard as hand_off_track_guard
from mediation.rules.dispute.referral import on_feedback as on_feedback
from mediation.rules.dispute.referral import on_hand_off as on_hand_off
from mediation.rules.dispute.referral import on_refer as on_refer
from mediation.rules.dispute.referral import on_refused_while_referred as on_refused_while_referred
from mediation.rules.dispute.referral import on_return as on_return
from mediation.rules.dispute.referral import on_return_current as on_return_current
from mediation.rules.dispute.referral import on_take as on_take
from mediation.rules.dispute.referral import refer_fit_guard as refer_fit_guard
from mediation.rules.dispute.referral import refer_guard as refer_guard
from mediation.rules.dispute.referral import refer_reason_guard as refer_reason_guard
from mediation.rules.dispute.referral import referral_from as referral_from
from mediation.rules.dispute.referral import take_held_elsewhere_guard as take_held_elsewhere_guard
from mediation.rules.dispute.referral import (
    taken_before_acceptance_guard as taken_before_acceptance_guard,
)

__all__ = [
    "ACCEPTANCE",
    "ADMINISTRATIVE",
    "AFTER_RULING",
    "CALLBACK",
    "CLOSING",
    "CONFIRMATION",
    "COURT_REPORT",
    "ESCALATION_REPORT",
    "FEEDBACK",
    "FEEDBACK_CLOCKS",
    "FEEDBACK_DEFAULT",
    "FEEDBACK_TARGET",
    "LABOUR_TIME_BAR",
    "LAND_TIME_BAR",
    "LIMITATION",
    "MEDIATION_CLOCKS",
    "SIGNING",
    "AfterRuling",
    "AgreementPolicy",
    "Confirmation",
    "CourtReport",
    "DisputeDetails",
    "DisputeIntake",
    "EnforcementInputs",
    "Feedback",
    "Limitation",
    "ObjectionInputs",
    "Objector",
    "Referral",
    "Refusal",
    "RegistrationPolicy",
    "RiskReport",
    "Satisfaction",
    "TrackFacts",
    "court_mediation",
    "court_report_owed",
    "details",
    "dispute_facts",
    "dispute_keys",
    "enforcement_guard",
    "medical_period_over",
    "objection_guard",
    "on_enforcement",
    "on_objection",
    "police_mediation",
    "public_order_pending",
    "registration_problems",
    "remedies",
    "traffic_police_mediation",
    "visits_owed",
    "written_required",
]
