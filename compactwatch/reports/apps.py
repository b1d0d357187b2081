from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "compactwatch.reports"
    label = "reports"
    verbose_name = "Annual reports"
