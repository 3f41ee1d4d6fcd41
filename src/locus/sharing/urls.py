from locus.common.urls import routes
from locus.sharing import views

urlpatterns = routes(
    ("", views.register_page, "sharing-register"),
    ("register.csv", views.register_csv, "sharing-register-csv"),
)
