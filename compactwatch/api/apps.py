from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "compactwatch.api"
    verbose_name = "API"
