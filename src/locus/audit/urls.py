from locus.audit import views
from locus.common.urls import actions, routes

urlpatterns = routes(
    ("", views.audit_trail, "audit"),
    ("export.csv", views.audit_export, "audit-export"),
    ("chain/", views.audit_chain, "audit-chain"),
    ("chain/heads.txt", views.audit_chain_heads, "audit-chain-heads"),
    *actions("chain/", "audit-chain", verify=views.audit_chain_verify),
)
