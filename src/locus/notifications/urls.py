"""Notifications: mounted under /notifications/. A worker without case records reads theirs
on the page here; everyone else in My work. The rest are posts from either."""

from locus.common.urls import routes
from locus.notifications import views

urlpatterns = routes(
    ("", views.notifications, "notifications"),
    ("read-all/", views.read_all, "notifications-read-all"),
    ("email/", views.email, "notifications-email"),
    ("<int:notification_id>/read/", views.read_one, "notification-read"),
)
