"""A young person's aspirational profile: mounted under /people/<person_id>/profile/."""

from django.urls import path

from locus.profiles import views

urlpatterns = [
    path("", views.profile_page, name="person-profile"),
    path("add/", views.item_add, name="person-profile-add"),
    path("<int:item_id>/change/", views.item_change, name="person-profile-change"),
    path("<int:item_id>/end/", views.item_end, name="person-profile-end"),
]
