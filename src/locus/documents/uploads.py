"""Stop reading an uploaded file as soon as it passes the documents' size limit.

Django writes an upload to a temporary file before any view sees it (the CSRF
check reads the form first), so without this a 4 GB "document" would fill the
disk before being refused. This handler runs first, counts each file's bytes and
drops the file past the limit (the rest of the request is read and discarded,
never written), leaving in its place an empty stand-in of the size it had
reached: the service then refuses it on the file field, in the usual words.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.datastructures import MultiValueDict

from locus.documents import files

TOO_BIG = "_locus_uploads_too_big"


class TooBig(UploadedFile):
    """What is left of a file dropped for its size: its name and the size it reached."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__(file=io.BytesIO(), name=name, size=size)


class SizeCappedUploadHandler(FileUploadHandler):
    received = 0

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def max_bytes(self) -> int:
        """The limit: the documents' (the import page's handler has its own)."""
        return files.max_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes():
            dropped = getattr(self.request, TOO_BIG, {})
            dropped[self.field_name] = TooBig(self.file_name or "", self.received)
            setattr(self.request, TOO_BIG, dropped)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


def uploaded_files(request: Any) -> MultiValueDict[str, UploadedFile]:
    """The request's files, with a stand-in for each one dropped for its size."""
    found: MultiValueDict[str, UploadedFile] = request.FILES.copy()
    for field, stand_in in getattr(request, TOO_BIG, {}).items():
        found.setlist(field, [stand_in])
    return found
