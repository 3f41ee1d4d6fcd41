"""The upload, replace and remove forms. They parse; the service decides."""

from __future__ import annotations

from typing import Any

from django import forms

from locus.common.forms import GovukForm, choose_one, date_field, text_area
from locus.documents import files
from locus.documents.models import DocumentKind


def file_field() -> forms.FileField:
    return forms.FileField(
        label="File",
        help_text=(
            f"{', '.join(sorted({t.label for t in files.ALLOWED.values()}))}; "
            f"smaller than {files.size_text(files.max_bytes())}."
        ),
        widget=forms.FileInput(attrs={"class": "govuk-file-upload"}),
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty",
            "invalid": "Choose a file to upload",
        },
    )


class DocumentUploadForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    kind = choose_one(
        "Kind of document",
        DocumentKind.choices,
        required="Choose what kind of document it is",
        placeholder="Choose a kind",
    )
    dated = date_field("Date of the document", "the document's date")
    description = text_area(
        "Description (optional)",
        max_length=2000,
        error_messages={"max_length": "The description must be 2000 characters or fewer"},
    )
    file = file_field()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "dated": data["dated"],
            "description": data.get("description", ""),
            "file": data["file"],
        }


class DocumentReplaceForm(GovukForm):
    file = file_field()


class DocumentRemoveForm(GovukForm):
    reason = text_area(
        "Why are you removing it?",
        max_length=1000,
        error_messages={"max_length": "The reason must be 1000 characters or fewer"},
        help_text=(
            "For example, it was attached to the wrong record. The document is hidden from "
            "every page; the audit trail keeps it."
        ),
    )
