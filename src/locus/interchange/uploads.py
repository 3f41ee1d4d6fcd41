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
    TemporaryFileUploadHandler,
)

from locus.documents.uploads import SizeCappedUploadHandler
from locus.interchange import files


class ImportCappedUploadHandler(SizeCappedUploadHandler):
    def max_bytes(self) -> int:
        return files.max_bytes()


def use_import_limit(request: Any) -> None:
    request.upload_handlers = [
        ImportCappedUploadHandler(request),
        MemoryFileUploadHandler(request),
        TemporaryFileUploadHandler(request),
    ]
