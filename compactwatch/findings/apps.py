from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "compactwatch.findings"
    verbose_name = "Findings"
