from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "locus.people"
    label = "people"
