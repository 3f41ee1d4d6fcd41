"""The upload handlers of the import page: the import's size limit, not the documents'.

Django reads an upload (into memory, then a temporary file) before a view runs; the site's
first handler drops a file past the documents' limit. An import's file may be far bigger,
so its page swaps in a handler with the import limit before the request is read, and a
file past that limit is dropped unwritten all the same (the service then refuses it).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    SkipFile,
    TemporaryFileUploadHandler,
)

from locus.documents.uploads import TOO_BIG, SizeCappedUploadHandler, TooBig
from locus.interchange import files


class ImportCappedUploadHandler(SizeCappedUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > files.max_bytes():
            dropped = getattr(self.request, TOO_BIG, {})
            dropped[self.field_name] = TooBig(self.file_name or "", self.received)
            setattr(self.request, TOO_BIG, dropped)
            raise SkipFile
        return raw_data


def use_import_limit(request: Any) -> None:
    request.upload_handlers = [
        ImportCappedUploadHandler(request),
        MemoryFileUploadHandler(request),
        TemporaryFileUploadHandler(request),
    ]
