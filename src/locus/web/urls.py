from django.urls import path

from locus.web import provisioning, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("account/access/<int:worker_id>/", provisioning.decide, name="access-confirm"),
]
