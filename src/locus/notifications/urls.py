"""Notifications: mounted under /notifications/; every page is a post from My work."""

from locus.common.urls import routes
from locus.notifications import views

urlpatterns = routes(
    ("read-all/", views.read_all, "notifications-read-all"),
    ("email/", views.email, "notifications-email"),
    ("<int:notification_id>/read/", views.read_one, "notification-read"),
)
