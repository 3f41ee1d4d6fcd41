"""The authority's own policies, in the product beside the decisions they govern
(docs/policies.md): each edit is a new version, and every version stays readable."""

from __future__ import annotations

from django.db import models

from locus.common.modelkit import once_each


class PolicyKind(models.TextChoices):
    PEER_ASSESSMENT = "peer-assessment", "Peer assessment policy"
    ISA = "isa", "Information-sharing agreement"
    DPIA = "dpia", "Data protection impact assessment (DPIA) record"


KIND_HINTS = {
    PolicyKind.PEER_ASSESSMENT: "When and how associations between young people are recorded "
    "and assessed: what counts as evidence, and how victims are kept apart from those who harm.",
    PolicyKind.ISA: "What the partner agencies share, on what lawful basis, with whom, and how "
    "long they keep it.",
    PolicyKind.DPIA: "The risks of processing this data to the people it is about, and how "
    "each is reduced.",
}


class PolicyVersion(models.Model):
    kind = models.CharField(max_length=20, choices=PolicyKind.choices)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    summary = models.CharField(max_length=300, help_text="What changed in this version.")
    by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "-number"]
        constraints = [once_each("policy_version_once", ["kind", "number"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, version {self.number}"
