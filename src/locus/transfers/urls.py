"""Allocation and transfer: mounted under /transfers/."""

from locus.common.urls import routes
from locus.transfers import views

_TRANSFER = "<int:transfer_id>/"
_PERSON = "people/<int:person_id>/"

urlpatterns = routes(
    ("", views.to_accept, "transfers"),
    (_TRANSFER, views.transfer_page, "transfer"),
    (f"{_TRANSFER}accept/", views.accept, "transfer-accept"),
    (f"{_TRANSFER}decline/", views.decline, "transfer-decline"),
    (f"{_TRANSFER}withdraw/", views.withdraw, "transfer-withdraw"),
    (f"{_PERSON}allocate/", views.allocate, "allocate"),
    (f"{_PERSON}from/<int:allocation_id>/", views.propose, "transfer-propose"),
)
