"""Pure rules and policy data: periods, calendar, triage, linkage, agreements, authorization.

Rules import only :mod:`mediation.model` (and the error hierarchy): they take
inputs and return decisions, with no I/O and no clock reads, so they can be
property-tested without a database. Each rule cites its legal source.
"""
