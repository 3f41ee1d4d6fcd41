"""The boundary checks of the modules added after the first round (layout, busy places, areas,
hotspots, triage) and the ones the first round left: keys that overflow int64, uint64 values
that wrap when cast, floats or masks taken for indices, and out-of-range numbers that gave a
quiet wrong answer or an error naming another argument.

Each plain example is a case the old code got wrong (it is named in the test); each property
spoils one argument of valid input and expects ``ValueError`` (``TypeError`` for the wrong kind
of object) naming it, and checks that valid input still gives the answer it gave.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locus.analysis import layout
from tests.analysis.test_input_properties import (
    refused,
    spoiled,
)
from tests.analysis.test_layout import busy_map

EXAMPLES = settings(max_examples=50, deadline=None)


def refused_as(name, call, *args, **kwargs):
    """``call`` raises ValueError or TypeError with a message that starts by naming ``name``."""
    with pytest.raises((ValueError, TypeError), match=rf"^{name} "):
        call(*args, **kwargs)


negative = st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False)
# A bad value for one cell of an array (a boolean among integers would pass as 1) ...
not_a_number = st.sampled_from([np.nan, np.inf, -np.inf, "12", None])
not_a_size_cell = st.one_of(not_a_number, negative)
# ... and for a size given on its own.
not_a_size = st.one_of(not_a_size_cell, st.just(True))


# ---------------------------------------------------------------------------
# The map's layout (it checked nothing but NaN sizes, bands and the range of a and b)


def test_layout_refuses_links_given_as_floats_or_a_mask_rather_than_truncating_them():
    sizes = [[10, 10]] * 3
    # The old code read 0.9 and 1.2 as items 0 and 1, and a mask as item 1 and item 0.
    refused("a", layout.banded, [0, 1, 1], sizes, [0.9], [1.2])
    refused("a", layout.banded, [0, 1, 1], sizes, np.array([False, True]), [1, 2])
    refused("b", layout.banded, [0, 1, 1], sizes, [0], [[1]])


def test_layout_refuses_sizes_that_are_not_rows_of_finite_non_negative_numbers():
    # The old code took strings, booleans and a flat list for sizes, and a negative gap.
    refused("sizes", layout.banded, [0, 1], [["10", "10"], ["10", "10"]])
    refused("sizes", layout.banded, [0, 1], [[True, True], [True, True]])
    refused("sizes", layout.banded, [0, 1], [10, 10, 10, 10])
    refused("sizes", layout.overlapping, [[0, 0], [5, 0]], [[-100, 1], [1, 1]])
    refused("centres", layout.overlapping, [[0, 0], [np.nan, 0]], [[1, 1], [1, 1]])
    refused_as("gap", layout.banded, [0, 1], [[1, 1], [1, 1]], gap=True)


def test_a_label_box_needs_strings_and_finite_sizes():
    # The old code gave a NaN height for a NaN font, and counted a string's letters as lines.
    refused("font_px", layout.label_box, ["Nour"], font_px=np.nan, node_px=30)
    refused_as("lines", layout.label_box, "Nour", font_px=13, node_px=30)
    refused_as("lines", layout.label_box, ["Nour", 7], font_px=13, node_px=30)
    refused_as("node_px", layout.label_box, ["Nour"], font_px=13, node_px=True)


@EXAMPLES
@given(st.integers(0, 4), st.sampled_from(("a", "b")), st.data())
def test_banded_refuses_any_spoiled_link_end_and_reads_any_integer_type_alike(seed, name, data):
    bands, sizes, a, b = busy_map(seed)
    expected = layout.banded(bands, sizes, a, b)
    narrow = layout.banded(bands.astype(np.int32), sizes.tolist(), a.astype(np.uint16), b.tolist())
    assert np.array_equal(narrow, expected)
    ends = {"a": a, "b": b}
    ends[name] = data.draw(spoiled(ends[name].tolist(), 0, bands.size, length_fixed=name == "b"))
    refused(name, layout.banded, bands, sizes, ends["a"], ends["b"])


@EXAMPLES
@given(st.integers(0, 4), st.data())
def test_banded_refuses_any_spoiled_size_band_or_gap(seed, data):
    bands, sizes, a, b = busy_map(seed)
    spoilt = sizes.astype(object)
    spoilt[data.draw(st.integers(0, sizes.shape[0] - 1)), data.draw(st.integers(0, 1))] = data.draw(
        not_a_size_cell
    )
    with pytest.raises((ValueError, TypeError), match=r"^sizes "):
        layout.banded(bands, np.array(spoilt.tolist()), a, b)
    shape = data.draw(st.sampled_from([sizes.ravel(), sizes[:-1], sizes[:, :1], sizes[None]]))
    refused("sizes", layout.banded, bands, shape, a, b)
    spoilt_bands = data.draw(spoiled(bands.tolist(), 0, None, length_fixed=False))
    refused("bands", layout.banded, spoilt_bands, sizes, a, b)
    refused_as("gap", layout.banded, bands, sizes, a, b, gap=data.draw(not_a_size))


def brute_force_overlaps(centres, sizes):
    return [
        [i, j]
        for i in range(len(centres))
        for j in range(i + 1, len(centres))
        if abs(centres[i][0] - centres[j][0]) < (sizes[i][0] + sizes[j][0]) / 2
        and abs(centres[i][1] - centres[j][1]) < (sizes[i][1] + sizes[j][1]) / 2
    ]


boxes = st.lists(
    st.tuples(st.integers(-50, 50), st.integers(-50, 50), st.integers(0, 30), st.integers(0, 30)),
    max_size=12,
)


@EXAMPLES
@given(boxes, st.data())
def test_overlapping_is_the_brute_force_answer_and_refuses_spoiled_boxes(rows, data):
    centres = [(x, y) for x, y, _, _ in rows]
    sizes = [(w, h) for _, _, w, h in rows]
    assert layout.overlapping(centres, sizes).tolist() == brute_force_overlaps(centres, sizes)
    if not rows:
        return
    name = data.draw(st.sampled_from(("centres", "sizes")))
    given_ = {"centres": np.array(centres, dtype=object), "sizes": np.array(sizes, dtype=object)}
    bad = data.draw(not_a_size_cell if name == "sizes" else not_a_number)
    given_[name][data.draw(st.integers(0, len(rows) - 1)), 0] = bad
    with pytest.raises((ValueError, TypeError), match=rf"^{name} "):
        layout.overlapping(np.array(given_["centres"].tolist()), np.array(given_["sizes"].tolist()))
    refused("sizes", layout.overlapping, centres, sizes[:-1])


@EXAMPLES
@given(st.lists(st.text(max_size=30), max_size=4), st.floats(0, 40), st.floats(0, 60), st.data())
def test_label_box_grows_with_its_text_and_refuses_what_is_not_a_size(lines, font, node, data):
    width, height = layout.label_box(lines, font_px=font, node_px=node)
    assert width >= node and height >= node
    assert layout.label_box(tuple(lines), font_px=font, node_px=node) == (width, height)
    name = data.draw(st.sampled_from(("font_px", "node_px")))
    sizes = {"font_px": font, "node_px": node, name: data.draw(not_a_size)}
    refused_as(name, layout.label_box, lines, **sizes)
