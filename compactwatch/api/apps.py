from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "compactwatch.api"
    verbose_name = "API"

    def ready(self) -> None:
        from compactwatch.api.authentication import connect

        connect()
