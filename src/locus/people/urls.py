from django.urls import path

from locus.people import views, views_record, views_status

# A person's pages hang off "<person id>/".
_PERSON = "<int:person_id>/"
_EPISODE = _PERSON + "status/<int:episode_id>/"
urlpatterns = [
    path("", views.people_list, name="people"),
    path(_PERSON, views.person_page, name="person"),
    # Record a person ("young-person" or "adult"), and a person's address.
    path("new/<slug:kind>/", views_record.person_new, name="person-new"),
    path(_PERSON + "address/", views_record.address_change, name="person-address"),
    path(_PERSON + "edit/", views.person_edit, name="person-edit"),
    path(_PERSON + "identifier-query/", views.identifier_query_new, name="identifier-query-new"),
    path("identifier-queries/", views.identifier_queries, name="identifier-queries"),
    path("identifier-queries/<int:query_id>/", views.identifier_query, name="identifier-query"),
    # A child's legal-status episodes: open one, change or end it.
    path(_PERSON + "status/new/", views_status.status_open, name="status-open"),
    path(_EPISODE + "change/", views_status.status_change, name="status-change"),
    path(_EPISODE + "end/", views_status.status_end, name="status-end"),
]
