from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "locus.subjectaccess"
    label = "subjectaccess"
    verbose_name = "Subject access requests"
