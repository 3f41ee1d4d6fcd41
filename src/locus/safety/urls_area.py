"""The area picture from many children's safety maps: mounted under /safety/."""

from locus.common.urls import routes
from locus.safety import views

urlpatterns = routes(("area/", views.area_page, "safety-area"))
