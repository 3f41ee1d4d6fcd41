from django.contrib.admin.apps import AdminConfig


class LocusAdminConfig(AdminConfig):
    """Installed in place of ``django.contrib.admin``: the admin site is Locus's own.

    See :mod:`locus.config.admin_site` (imported only once the apps are ready).
    """

    default_site = "locus.config.admin_site.LocusAdminSite"

    def ready(self) -> None:
        super().ready()  # every app's admin module, django-tasks-db's among them
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        # Its page of background tasks (their arguments, results and errors) reads outside
        # the access trail, and nothing in Locus needs it: each task's work has its own
        # page (an export, a purge, a subject access package).
        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
