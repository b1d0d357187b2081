"""The one way in for every change to stored data.

Forms, uploads, the API, the admin, imports and the command line call these use cases and
never save a model themselves (compactwatch/guard.py makes the models refuse). Each use case:
1. checks that the actor may change the stored thing (as well as the new values),
2. saves in one transaction, holding the row (a lock, and a version check when the caller
   read a version: a stale save is refused with what changed since),
3. writes the audit entry (old and new values, who, by which way in),
4. checks the records again against the edition in force (findings).
"""
