"""The banded layout of a map: the centre at the origin, each band further out than the
last, and no two boxes (a node with its label) overlapping however busy the map."""

from __future__ import annotations

import numpy as np
import pytest

from locus.analysis.layout import banded, label_box, overlapping

FONT, NODE = 13.0, 30.0


def busy_map(seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Busier than the demo's busiest child's map (39 peers and 19 places at two steps):
    12 peers one step out, 40 two steps out, 25 places and groups with long names."""
    rng = np.random.default_rng(seed)
    bands = np.array([0] + [1] * 12 + [2] * 40 + [3] * 25)
    names = (
        ["Nour Aziz\n[SC]"]
        + [f"{chr(65 + i)}{chr(70 + i)}\n[SC YJ]" for i in range(12)]
        + ["Firstname Longfamilyname" if i % 3 else "JK" for i in range(40)]
        + [f"Kingsgate Shopping Centre peer group {i}" for i in range(25)]
    )
    sizes = np.array([label_box(_wrap(n), font_px=FONT, node_px=NODE) for n in names])
    a, b = [0] * 12, list(range(1, 13))
    for j in range(13, 53):
        a.append(int(rng.integers(1, 13)))
        b.append(j)
    for j in range(53, 78):
        for k in rng.choice(np.arange(1, 53), size=3, replace=False):
            a.append(int(k))
            b.append(j)
    return bands, sizes, np.array(a), np.array(b)


def _wrap(name: str) -> list[str]:
    out: list[str] = []
    for part in name.split("\n"):
        out.extend([part[i : i + 18] for i in range(0, len(part), 18)])
    return out


def test_the_centre_is_at_the_origin_and_bands_go_outwards() -> None:
    bands, sizes, a, b = busy_map()
    centres = banded(bands, sizes, a, b)
    assert centres[0].tolist() == [0.0, 0.0]
    radius = np.hypot(centres[:, 0], centres[:, 1])
    for inner, outer in ((1, 2), (2, 3)):
        assert radius[bands == inner].max() < radius[bands == outer].min()


@pytest.mark.parametrize("seed", [1, 7, 2016])
def test_no_two_boxes_overlap_on_a_busy_map(seed: int) -> None:
    bands, sizes, a, b = busy_map(seed)
    centres = banded(bands, sizes, a, b)
    assert overlapping(centres, sizes).tolist() == []


def test_overlapping_finds_boxes_that_touch() -> None:
    # The check itself can fail: two boxes closer than their half-widths.
    pairs = overlapping([[0, 0], [50, 5], [300, 0]], [[80, 20], [80, 20], [10, 10]])
    assert pairs.tolist() == [[0, 1]]


def test_a_peer_sits_beyond_the_peer_who_links_them() -> None:
    # Two first-step peers opposite each other; each has one second-step peer.
    bands = np.array([0, 1, 1, 2, 2])
    sizes = np.full((5, 2), 40.0)
    centres = banded(bands, sizes, [0, 0, 1, 2], [1, 2, 4, 3])
    angle = np.arctan2(centres[:, 1], centres[:, 0])
    assert abs(np.angle(np.exp(1j * (angle[4] - angle[1])))) < 0.1
    assert abs(np.angle(np.exp(1j * (angle[3] - angle[2])))) < 0.1


def test_the_same_map_always_gives_the_same_picture() -> None:
    bands, sizes, a, b = busy_map()
    assert np.array_equal(banded(bands, sizes, a, b), banded(bands, sizes, a, b))


def test_a_crowded_band_uses_sub_rings_rather_than_one_huge_ring() -> None:
    bands = np.array([0] + [1] * 60)
    sizes = np.tile([120.0, 50.0], (61, 1))
    centres = banded(bands, sizes)
    one_ring = 60 * (np.hypot(120, 50) + 10) / (2 * np.pi)
    assert np.hypot(centres[:, 0], centres[:, 1]).max() < one_ring
    assert overlapping(centres, sizes).tolist() == []


@pytest.mark.parametrize(
    ("bands", "sizes", "a", "b", "word"),
    [
        ([0, 0], [[1, 1], [1, 1]], [], [], "band 0"),
        ([0, -1], [[1, 1], [1, 1]], [], [], "non-negative"),
        ([0, 1], [[1, 1]], [], [], "sizes"),
        ([0, 1], [[1, np.nan], [1, 1]], [], [], "sizes"),
        ([0, 1], [[1, 1], [1, 1]], [0], [2], "^b must be an index in 0..1"),
        ([0.5, 1], [[1, 1], [1, 1]], [], [], "integers"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(
    bands: list, sizes: list, a: list, b: list, word: str
) -> None:
    with pytest.raises(ValueError, match=word):
        banded(bands, sizes, a, b)
