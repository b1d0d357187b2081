from django.apps import AppConfig


class CompactsConfig(AppConfig):
    name = "compactwatch.compacts"
    verbose_name = "Compacts and their editions"
