from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The admin site is locus.config.admin_site.LocusAdminSite: administrators only, and its
    # /admin/login/ is no form but a hand-off to the one sign-in page (so lockout and the
    # sign-in record cover the admin too), or "not found" for a signed-in non-administrator.
    path("admin/", admin.site.urls),
    path("", include("locus.web.urls")),
    path("people/", include("locus.people.urls")),
    path("people/<int:person_id>/", include("locus.peers.urls_person")),
    path("contexts/", include("locus.places.urls")),
    path("groups/", include("locus.peers.urls")),
    path("incidents/", include("locus.incidents.urls")),
    path("linked/", include("locus.linked.urls")),
    path("meetings/", include("locus.mapping.urls")),
    path("context-cases/", include("locus.casework.urls")),
    path("my-work/", include("locus.casework.urls_my_work")),
    path("people/<int:person_id>/profile/", include("locus.profiles.urls")),
    path("people/<int:person_id>/moves/", include("locus.moves.urls")),
    path("people/<int:person_id>/safety/", include("locus.safety.urls")),
    path("safety/", include("locus.safety.urls_area")),
    path("notes/", include("locus.notes.urls")),
    path("panels/", include("locus.panels.urls")),
    path("documents/", include("locus.documents.urls")),
    path("transfers/", include("locus.transfers.urls")),
    path("people/<int:person_id>/accuracy/", include("locus.rectification.urls")),
    path("notifications/", include("locus.notifications.urls")),
    path("outreach/", include("locus.outreach.urls")),
    path("audit/", include("locus.audit.urls")),
    path("data/imports/", include("locus.interchange.urls")),
    path("exports/", include("locus.exports.urls")),
    path("data/retention/", include("locus.retention.urls")),
    path("data/subject-access/", include("locus.subjectaccess.urls")),
    path("api/v1/", include("locus.api.urls")),
    path("account/api-tokens/", include("locus.api.urls_tokens")),
    path("data/api-tokens/", include("locus.api.urls_live")),
    path("sharing/", include("locus.sharing.urls")),
    path("policies/", include("locus.policies.urls")),
    path("", include("locus.web.urls_break_glass")),
    path("second-factor/", include("locus.signin.urls")),
]

handler404 = "locus.web.views.not_found"
handler403 = "locus.web.views.forbidden"
