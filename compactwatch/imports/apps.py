from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "compactwatch.imports"
    verbose_name = "360Giving imports"
