"""Migration operations shared by the apps whose records carry the structured lawful basis
(mapping's meetings and share agreements, panels): the basis fields, the old basis kept as first
recorded, and each old row mapped (``vocab.legacy_basis``). Frozen here: a later change to the
vocabulary gets a migration of its own."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from locus.sharing.vocab import Article6, Condition, Duty, legacy_basis


def structure_rows(model: Any) -> None:
    """Each row with a basis recorded the old way gets the structured basis it maps to."""
    for row in model.objects.exclude(lawful_basis="").iterator():
        basis = legacy_basis(row.lawful_basis, row.lawful_basis_other)
        model.objects.filter(pk=row.pk).update(
            article6=basis.article6,
            condition=basis.condition,
            duty=basis.duty,
            duty_other=basis.duty_other,
            guidance=basis.guidance,
        )


def _coded(
    model_name: str, name: str, label: str, max_length: int, choices: Any, default: str
) -> migrations.AddField:
    """One part of the basis, a code from the law's list; ``default`` fills the rows that exist
    now, before ``structure_rows`` maps each one, and is not kept on the field."""
    return migrations.AddField(
        model_name=model_name,
        name=name,
        field=models.CharField(label, max_length=max_length, choices=choices, default=default),
        preserve_default=False,
    )


def basis_fields(model_name: str) -> list[migrations.AddField]:
    return [
        _coded(
            model_name,
            "article6",
            "UK GDPR article 6 basis",
            8,
            Article6.choices,
            Article6.PUBLIC_TASK,
        ),
        _coded(
            model_name,
            "condition",
            "Special category or criminal offence data condition",
            8,
            Condition.choices,
            Condition.SAFEGUARDING,
        ),
        _coded(model_name, "duty", "Statutory duty or power", 16, Duty.choices, Duty.OTHER),
        migrations.AddField(
            model_name=model_name,
            name="duty_other",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name=model_name,
            name="guidance",
            field=models.BooleanField(default=False, verbose_name="Working Together 2023 followed"),
        ),
    ]


def legacy(model_name: str) -> list[migrations.AlterField]:
    return [
        migrations.AlterField(
            model_name=model_name,
            name="lawful_basis",
            field=models.CharField(
                "Basis as first recorded",
                blank=True,
                max_length=30,
                choices=[
                    ("ca1989_s47", "Children Act 1989 s.47 (child protection enquiries)"),
                    ("ca1989_s17", "Children Act 1989 s.17 (children in need)"),
                    ("cda1998_s115", "Crime and Disorder Act 1998 s.115"),
                    (
                        "working_together_2023",
                        "Working Together to Safeguard Children 2023: information sharing",
                    ),
                    ("consent", "Consent"),
                    ("other", "Other"),
                ],
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="lawful_basis_other",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
