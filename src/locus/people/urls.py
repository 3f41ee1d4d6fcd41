from django.urls import path

from locus.people import views

# A person's pages hang off "<person id>/".
_PERSON = "<int:person_id>/"
urlpatterns = [
    path("", views.people_list, name="people"),
    path(_PERSON, views.person_page, name="person"),
    path(_PERSON + "edit/", views.person_edit, name="person-edit"),
    path(_PERSON + "identifier-query/", views.identifier_query_new, name="identifier-query-new"),
    path("identifier-queries/", views.identifier_queries, name="identifier-queries"),
    path("identifier-queries/<int:query_id>/", views.identifier_query, name="identifier-query"),
]
