from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "compactwatch.organisations"
    verbose_name = "The register of partners"
