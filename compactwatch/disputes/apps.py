from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "compactwatch.disputes"
    label = "disputes"
    verbose_name = "Disagreements"
