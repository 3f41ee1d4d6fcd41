from django.urls import path

from locus.signin import views

urlpatterns = [
    path("verify/", views.verify, name="second-factor-verify"),
    path("enrol/", views.enrol, name="second-factor-enrol"),
    path("reset/", views.reset, name="second-factor-reset"),
    path("password/", views.password_change_due, name="password-change-due"),
]
