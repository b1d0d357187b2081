"""Fixtures shared by all tests; the service's come from the service_fixtures plugin."""

pytest_plugins = ["service_fixtures"]
