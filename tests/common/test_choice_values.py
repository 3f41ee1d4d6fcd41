"""``choice_values``: the values of a vocabulary as a set, what the services check a value
against (Django rebuilds ``Choices.values`` as a list on every read)."""

from __future__ import annotations

import pytest

from locus.common.modelkit import choice_values
from locus.common.models import Confidence, Source
from locus.peers.models import Association, Nature, Relationship
from locus.safety.models import Rating


@pytest.mark.parametrize("vocabulary", [Nature, Relationship, Source, Confidence, Rating])
def test_it_holds_exactly_the_vocabularys_values(vocabulary: type) -> None:
    assert choice_values(vocabulary) == set(vocabulary.values)
    assert choice_values(vocabulary) is choice_values(vocabulary)  # made once


def test_a_label_or_an_unknown_code_is_not_a_value() -> None:
    assert "risk" in choice_values(Nature)
    assert Nature.RISK in choice_values(Nature)
    assert "Presents risk" not in choice_values(Nature)  # the label, not the value
    assert "RISK" not in choice_values(Nature)
    assert "" not in choice_values(Nature)


@pytest.mark.parametrize("not_a_vocabulary", [["risk"], "risk", Association, None])
def test_anything_but_a_vocabulary_is_refused(not_a_vocabulary: object) -> None:
    with pytest.raises(TypeError, match="choices must be a Choices class"):
        choice_values(not_a_vocabulary)  # type: ignore[arg-type]
