"""Disagreements as stored data (2007 edition, section 6; issue 13).

The rules live in the pure core (compactwatch/compact/disputes: the route, deadlines and a
case's state computed from its steps); this app stores a Compact's route, its cases, their
append-only steps, the officer's confidential notes and the reminders sent. Every write goes
through compactwatch/changes/cases.py and changes/case_route.py (the models are Guarded).
"""
