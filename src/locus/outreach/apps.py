from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "locus.outreach"
    label = "outreach"
    verbose_name = "Visits and protected homes"
