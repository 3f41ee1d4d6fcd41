"""The API's OpenAPI document as committed at docs/openapi.json.

Regenerate it after changing an endpoint or a schema::

    PYTHONPATH=src python -m locus.api.openapi > docs/openapi.json

(tests/api/test_openapi.py fails while the committed file differs from this.)
"""

from __future__ import annotations

import json
import os
import sys


def document() -> str:
    """The document, as text: sorted keys and a final newline, so diffs stay small."""
    from locus.api.urls import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "locus.config.settings")
    import django

    django.setup()
    sys.stdout.write(document())


if __name__ == "__main__":
    main()
