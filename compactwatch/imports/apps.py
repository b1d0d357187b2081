from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "compactwatch.imports"
    label = "imports"
    verbose_name = "Imports of 360Giving grants files"
