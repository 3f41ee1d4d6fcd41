"""A file past the size limit is dropped while it is read, before it reaches a temporary
file, and the form still says why, on the file field."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadhandler import SkipFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from locus.documents.models import Document
from locus.documents.uploads import SizeCappedUploadHandler, uploaded_files
from tests.documents.helpers import PDF, upload
from tests.factories import World, client_for
from tests.profiles.pages import errors_of


def test_the_handler_drops_a_file_once_it_passes_the_limit(settings: Any) -> None:
    settings.LOCUS_DOCUMENT_MAX_BYTES = 10
    request = RequestFactory().post("/")
    handler = SizeCappedUploadHandler(request)
    handler.new_file("file", "big.pdf", "application/pdf", 0)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"678901", 5)
    request._files = MultiValueDict()  # what the parser leaves once the file is dropped
    (stand_in,) = uploaded_files(request).getlist("file")
    assert (stand_in.name, stand_in.size) == ("big.pdf", 11)


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_on_its_field(world: World, settings: Any) -> None:
    settings.LOCUS_DOCUMENT_MAX_BYTES = 1000
    big = upload("big.pdf", PDF + b"0" * 300_000)
    response = client_for(world.social_worker).post(
        reverse("document-add", args=["person", world.csc_child.pk]),
        {"title": "A", "kind": "report", "dated": "01/01/2026", "file": big},
    )
    assert errors_of(response.content.decode()) == ["The file must be smaller than 1000 bytes"]
    assert Document.objects.count() == 0
