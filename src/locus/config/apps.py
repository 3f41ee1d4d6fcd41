from django.contrib.admin.apps import AdminConfig


class LocusAdminConfig(AdminConfig):
    """Installed in place of ``django.contrib.admin``: the admin site is Locus's own.

    See :mod:`locus.config.admin_site` (imported only once the apps are ready).
    """

    default_site = "locus.config.admin_site.LocusAdminSite"
