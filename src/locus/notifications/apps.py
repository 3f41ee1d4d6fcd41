from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "locus.notifications"
    label = "notifications"
    verbose_name = "Notifications"
