from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "compactwatch.audit"
    verbose_name = "Audit trail"
