from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "compactwatch.monitoring"
    label = "monitoring"
    verbose_name = "Is the Compact working?"
