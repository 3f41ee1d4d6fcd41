"""The peer map's drawing (an SVG) is a download, whatever the child's name: an attachment
with a safe file name, never sniffed or shown in Locus's own origin (an SVG may carry script),
never kept by the browser. Names outside Latin-1 (Łucja, Σπύρου) are common in any borough:
put into the header by hand they made Django encode the whole header, and the browser no
longer read "attachment"."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import World, client_for, make_person


def _download(world: World, given: str, family: str) -> Any:
    child = make_person(world.social_worker, given_name=given, family_name=family)
    response = client_for(world.social_worker).get(
        f"/people/{child.pk}/peer-map/print/", {"format": "svg"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    return response


@pytest.mark.parametrize(
    ("given", "family", "fallback", "full"),
    [
        ("Łucja", "Nowak", "peer-map-_N.svg", "peer-map-%C5%81N.svg"),
        ("Sofia", "Σπύρου", "peer-map-S_.svg", "peer-map-S%CE%A3.svg"),
        ('"Jay"', "Okafor", "peer-map-_O.svg", "peer-map-%22O.svg"),
        ("Kojo", "Kamara", "peer-map-KK.svg", "peer-map-KK.svg"),
    ],
)
def test_the_svg_is_always_an_attachment_with_a_safe_name(
    world: World, given: str, family: str, fallback: str, full: str
) -> None:
    response = _download(world, given, family)
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{full}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
