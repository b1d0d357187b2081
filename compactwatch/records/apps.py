from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "compactwatch.records"
    verbose_name = "Records"
