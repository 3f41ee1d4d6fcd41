from django.urls import path

from locus.api import views

urlpatterns = [
    path("", views.tokens_page, name="api-tokens"),
    path("<int:token_id>/revoke/", views.token_revoke_page, name="api-token-revoke"),
]
