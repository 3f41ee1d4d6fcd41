from django.urls import path

from locus.people import views

urlpatterns = [
    path("", views.people_list, name="people"),
    path("<int:person_id>/", views.person_page, name="person"),
    path("<int:person_id>/edit/", views.person_edit, name="person-edit"),
    path(
        "<int:person_id>/identifier-query/",
        views.identifier_query_new,
        name="identifier-query-new",
    ),
    path("identifier-queries/", views.identifier_queries, name="identifier-queries"),
    path("identifier-queries/<int:query_id>/", views.identifier_query, name="identifier-query"),
]
