"""Fill ``people`` on the events written before the column existed, so that the
auditor's search by person finds old reads and changes too."""

from django.db import migrations

# The foreign keys to a person, per record type, when this migration was written
# (audit.services.person_fields works them out from the live models since).
PERSON_FIELDS = {
    "people.legalstatusepisode": ["person_id"],
    "people.allocation": ["person_id"],
    "places.enrolment": ["person_id"],
    "peers.association": ["person_id", "other_id"],
    "peers.groupmembership": ["person_id"],
    "peers.peermappurpose": ["person_id"],
    "incidents.involvement": ["person_id"],
    "cocase.meetingchild": ["person_id"],
    "cocase.intervention": ["person_id"],
    "casework.referralchild": ["person_id"],
    "casework.planchild": ["person_id"],
    "profiles.profileitem": ["person_id", "peer_id"],
    "panels.agendaitem": ["person_id"],
    "moves.managedmove": ["person_id"],
}
# The detail keys that list the people a page showed, per record type.
PEOPLE_SHOWN_BY_TYPE = {
    "people.person": ["shown"],
    "linked.case": ["named"],
    "linked.cluster": ["named"],
}
BATCH = 2000


def _text(ids):
    found = []
    for value in ids:
        text = str(value).strip()
        if text.isascii() and text.isdecimal() and 0 < len(text) <= 19 and text not in found:
            found.append(text)
    return f",{','.join(found)}," if found else ""


def _change_people(event):
    values = event.after or event.before or {}
    if event.record_type == "people.person":
        return [event.record_id]
    return [values.get(name) for name in PERSON_FIELDS.get(event.record_type, [])]


def _access_people(event):
    found = [event.record_id] if event.record_type == "people.person" else []
    keys = ["people_shown", "person", *PEOPLE_SHOWN_BY_TYPE.get(event.record_type, [])]
    for key in keys:
        value = (event.detail or {}).get(key)
        found.extend(value if isinstance(value, list) else [value] if value else [])
    return found


def backfill(apps, schema_editor):
    for model, people in (("AccessEvent", _access_people), ("ChangeEvent", _change_people)):
        Event = apps.get_model("audit", model)
        batch = []
        for event in Event.objects.filter(people="").iterator(chunk_size=BATCH):
            event.people = _text(people(event))
            if event.people:
                batch.append(event)
            if len(batch) >= BATCH:
                Event.objects.bulk_update(batch, ["people"])
                batch = []
        Event.objects.bulk_update(batch, ["people"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_event_people")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
