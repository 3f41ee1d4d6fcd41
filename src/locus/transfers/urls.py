"""Allocation and transfer: mounted under /transfers/."""

from locus.common.urls import actions, routes
from locus.transfers import views

_TRANSFER = "<int:transfer_id>/"
_PERSON = "people/<int:person_id>/"

urlpatterns = routes(
    ("", views.to_accept, "transfers"),
    (_TRANSFER, views.transfer_page, "transfer"),
    *actions(
        _TRANSFER, "transfer", accept=views.accept, decline=views.decline, withdraw=views.withdraw
    ),
    (f"{_PERSON}allocate/", views.allocate, "allocate"),
    (f"{_PERSON}from/<int:allocation_id>/", views.propose, "transfer-propose"),
    (f"{_PERSON}allocations/<int:allocation_id>/end/", views.end_allocation, "allocation-end"),
)
