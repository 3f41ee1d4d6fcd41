"""The postcode check workers meet on every address and place form."""

from __future__ import annotations

import pytest

from locus.places import postcodes


def test_a_real_postcode_is_found_with_its_position_whatever_its_spacing_and_case() -> None:
    # E8 1EJ is a real Hackney postcode (the ONS directory is public reference data).
    found = postcodes.lookup("e81ej")
    assert found is not None
    assert found.postcode == "E8 1EJ"
    assert 51.5 < found.latitude < 51.6
    assert -0.1 < found.longitude < 0.0
    assert postcodes.lookup("  E8   1EJ ") == found


def test_a_well_formed_postcode_that_does_not_exist_is_not_found() -> None:
    assert postcodes.well_formed("E8 9ZZ")
    assert postcodes.lookup("E8 9ZZ") is None


@pytest.mark.parametrize("text", ["", "E8", "not a postcode", "E8 1EJX", "12345"])
def test_text_that_is_not_a_postcode_is_neither_well_formed_nor_found(text: str) -> None:
    assert not postcodes.well_formed(text)
    assert postcodes.lookup(text) is None


def test_a_postcode_must_be_text() -> None:
    with pytest.raises(TypeError, match="postcode must be a string"):
        postcodes.lookup(81)  # type: ignore[arg-type]


def test_every_demo_postcode_is_found_by_lookup() -> None:
    from locus.demo.postcodes import hackney_postcodes

    sample = hackney_postcodes()[::500]
    assert sample
    for pc in sample:
        assert postcodes.lookup(pc.postcode) == pc
