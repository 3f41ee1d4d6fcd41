"""HTML written as PDF (WeasyPrint) with nothing fetched: every PDF Locus makes goes through
``pdf_from_html``.

WeasyPrint's own fetcher reads whatever an ``<img>``, a stylesheet, a ``<base>`` or a CSS
``url()`` names: a file on the server's disk (``file:///``) or an address on its network. A
PDF is sent out of the authority (a subject access export), so it must hold what the template
put in it and nothing else: here every fetch is refused and there is no base URL. A template
needing an image or a font embeds it in its own ``<style>`` (fonts are the system's).
"""

from __future__ import annotations

from typing import NoReturn

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class _FetchNothing(URLFetcher):
    """Refuses every URL (WeasyPrint logs the refusal and leaves the resource out)."""

    def fetch(self, url: str, headers: object = None) -> NoReturn:
        raise ValueError(f"a PDF fetches nothing: {url[:80]}")


def pdf_from_html(html: str) -> bytes:
    """The PDF of ``html``, with no file read and no address fetched for it."""
    pdf = HTML(string=html, base_url=None, url_fetcher=_FetchNothing()).write_pdf()
    assert pdf is not None
    return pdf
