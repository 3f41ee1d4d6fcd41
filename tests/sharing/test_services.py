"""record_share: nothing is written without a basis, a purpose and what was shared."""

from __future__ import annotations

import pytest

from locus.common.errors import ValidationFailed
from locus.sharing.models import Recipient, Share, ShareKind
from locus.sharing.services import To, record_share
from locus.sharing.vocab import SAFEGUARDING, Basis
from tests.factories import World, nothing_written

pytestmark = pytest.mark.django_db


def _share(world: World, **fields: object) -> Share:
    values: dict[str, object] = {
        "actor": world.social_worker,
        "kind": ShareKind.REFERRAL,
        "basis": SAFEGUARDING,
        "purpose": "To ask for help",
        "what": ["Summary"],
        "record_ref": "Referral 1",
        "source": world.csc_child,
        "recipients": [To(worker=world.police_analyst), To(name="Pat Jones, Mall security")],
        "people": [world.csc_child.pk],
        **fields,
    }
    return record_share(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"basis": Basis("6_1_f", "none", "ca1989_s47")}, "article6"),  # not offered
        ({"basis": Basis("6_1_e", "", "ca1989_s47")}, "condition"),
        ({"basis": Basis("6_1_e", "none", "working_together_2023")}, "duty"),  # guidance
        ({"basis": Basis("6_1_e", "none", "other", "  ")}, "duty_other"),
        ({"purpose": " "}, "share_purpose"),
        ({"what": []}, "what"),
        ({"kind": "gossip"}, "kind"),
    ],
)
def test_a_share_without_its_parts_is_refused_by_field(
    world: World, fields: dict[str, object], field: str
) -> None:
    with nothing_written(Share, Recipient), pytest.raises(ValidationFailed) as caught:
        _share(world, **fields)
    assert field in caught.value.errors


def test_a_share_names_its_recipients_once_and_keeps_ids_not_names(world: World) -> None:
    share = _share(world, recipients=[To(worker=world.police_analyst)] * 2)
    assert [r.worker for r in share.recipients.all()] == [world.police_analyst]
    assert share.recipients.get().agency == world.police
    assert share.people == [world.csc_child.pk]
    assert world.csc_child.full_name not in str(Share.objects.values().get())


def test_an_unsaved_source_is_a_programming_error(world: World) -> None:
    from locus.people.models import Person

    with pytest.raises(ValueError, match="source"):
        _share(world, source=Person())
