"""The upload and confirm forms. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from locus.common.forms import GovukForm
from locus.interchange import files

ALL, VALID = "all", "valid"


class UploadForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of file", error_messages={"required": "Choose what kind of file this is"}
    )
    file = forms.FileField(
        label="File",
        help_text=(
            f"At most {files.size_text(files.max_bytes())}. It is checked first: nothing is "
            "imported until you have read the check and confirmed."
        ),
        widget=forms.FileInput(attrs={"class": "govuk-file-upload"}),
        error_messages={
            "required": "Choose a file to upload",
            "invalid": "Choose a file to upload",
            "empty": "The file is empty",
        },
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "Choose a kind"), *kinds]


class ConfirmForm(GovukForm):
    how = forms.ChoiceField(
        label="What to import",
        choices=[
            (ALL, "Import all (nothing if any record is invalid)"),
            (VALID, "Import the valid records and write the rejects to a file"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to import"},
    )

    def valid_only(self) -> bool:
        return self.cleaned_data["how"] == VALID
