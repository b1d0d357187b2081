from django.apps import AppConfig
from django.db.models.signals import post_delete


class ImportsConfig(AppConfig):
    name = "compactwatch.imports"
    verbose_name = "360Giving imports"

    def ready(self) -> None:
        from compactwatch.imports import problems
        from compactwatch.imports.models import ImportJob

        def remove_problems_file(sender: type, instance: ImportJob, **kwargs: object) -> None:
            problems.remove(instance)  # a job's list of problems goes with it

        post_delete.connect(remove_problems_file, sender=ImportJob, weak=False,
                            dispatch_uid="imports.remove_problems_file")  # fmt: skip
