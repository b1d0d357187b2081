"""The pure core of compactwatch: editions as data, the records format, the checks.

Nothing here imports Django, so `compactwatch check` runs without a database and
the web app, the API and the importers all get their findings from this code.
"""
