from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "locus.peers"
    label = "peers"
    verbose_name = "Associations and peer groups"
