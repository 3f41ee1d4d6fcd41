from django.urls import path

from locus.audit import views

urlpatterns = [
    path("", views.audit_trail, name="audit"),
    path("export.csv", views.audit_export, name="audit-export"),
    path("chain/", views.audit_chain, name="audit-chain"),
    path("chain/heads.txt", views.audit_chain_heads, name="audit-chain-heads"),
    path("chain/verify/", views.audit_chain_verify, name="audit-chain-verify"),
]
