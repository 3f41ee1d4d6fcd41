"""Everything held on one person, read for a subject access export (docs/subject-access.md).

Each section reads one kind of record about the subject and hands its values over wrapped
(``redaction``): people as :class:`PersonRef`, staff as :class:`StaffRef`, free text as
:class:`Free`, so the redactor decides what the requester sees. Records are read whole,
removed and ended ones included (they are still held), through the base managers.

After the named sections, "Other records" lists any record pointing at the person that no
section reads, field by field: a table added later is in the export before anyone writes a
section for it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from locus.access.models import Worker
from locus.audit.describe import kind_of
from locus.audit.models import AccessEvent
from locus.audit.services import PERSON, points_at
from locus.casework.models import ContextConference, PlanAction, PlanChild, ReferralChild
from locus.documents.models import Document
from locus.incidents.models import Involvement
from locus.mapping.models import Intervention, MeetingChild
from locus.moves.models import ManagedMoveRevision
from locus.notes.models import CaseNote
from locus.outreach.models import VisitPerson
from locus.panels.models import AgendaItem
from locus.peers.models import Association, GroupMembership
from locus.people.models import (
    AddressPeriod,
    Allocation,
    IdentifierQuery,
    LegalStatusEpisode,
    Person,
    QueryKind,
)
from locus.places.models import Context, ContextKind
from locus.rectification.models import About, Dispute, Objection
from locus.safety.models import MapSession, Weighting
from locus.sharing.models import Recipient, Share, ShareKind
from locus.sharing.vocab import duty_text
from locus.statutory.models import CensusChild, CINEpisode
from locus.subjectaccess.redaction import (
    ADDRESS,
    OTHER_CHILDS_NOTE,
    SHARED_NOTE,
    THIRD_PARTY,
    WITHHELD_POLICE,
    Free,
    PersonRef,
    StaffRef,
    Value,
    Withheld,
    passages,
)

DAY = "%d/%m/%Y"
MINUTE = "%d/%m/%Y %H:%M"
# A recipient outside Locus whose organisation was not recorded, shown when names are not.
OUTSIDE = "Someone outside Locus, named in the sharing register"


@dataclass
class Item:
    heading: str  # a kind of record and a date, or a title (redacted as free text)
    key: str  # "peers.association:12"
    fields: list[tuple[str, Value]]


@dataclass
class Section:
    key: str
    title: str
    intro: str
    items: list[Item] = field(default_factory=list)


@dataclass
class DocumentFile:
    document_id: int
    version_id: int
    stored_name: str
    arcname: str


@dataclass
class Gathered:
    subject: Person
    sections: list[Section]
    files: list[DocumentFile]
    other_people: set[int]
    staff: set[int]
    # Documents removed from the record (kept, hidden, until the retention purge) and left
    # out: told to the approver, never to the requester (``Gatherer.documents``).
    removed_documents: int = 0


# The person's challenges to their record (accuracy disputed, Art 16; objection, Art 21): the
# models and their field pointing at the person, read into "Records you dispute" (so never
# into "Other records").
DISPUTED: list[tuple[str, str]] = [
    ("rectification.dispute", "person"),
    ("rectification.objection", "person"),
]

# Read by the named sections below; every other foreign key to a person goes to "Other records".
COVERED: set[tuple[str, str]] = {
    ("people.legalstatusepisode", "person"),
    ("people.allocation", "person"),
    ("people.addressperiod", "person"),
    ("peers.association", "person"),
    ("peers.association", "other"),
    ("peers.groupmembership", "person"),
    ("incidents.involvement", "person"),
    ("notes.casenote", "person"),
    ("documents.document", "person"),
    ("casework.planchild", "person"),
    ("casework.referralchild", "person"),
    ("statutory.censuschild", "person"),
    ("statutory.cinepisode", "person"),
    # The parts of an episode are read with their episode.
    ("statutory.cinassessment", "person"),
    ("statutory.cinplan", "person"),
    ("statutory.section47enquiry", "person"),
    ("statutory.childprotectionplan", "person"),
    ("safety.mapsession", "person"),
    ("safety.weighting", "person"),
    ("outreach.visitperson", "person"),
    ("cocase.meetingchild", "person"),
    ("cocase.intervention", "person"),
    ("panels.agendaitem", "person"),
    # Read by "Checks on your record", which withholds what was typed.
    ("people.identifierquery", "person"),
    ("people.identifierquery", "conflicting"),
}
# Governance records about the request itself, not data held about the person's life.
NOT_EXPORTED_APPS = {"subjectaccess"}


def _label(f: models.Field[Any, Any]) -> str:
    words = str(f.verbose_name)
    return words[:1].upper() + words[1:]


class Gatherer:
    def __init__(self, subject: Person, *, include_restricted: bool) -> None:
        self.subject = subject
        self.include_restricted = include_restricted
        self.others: set[int] = set()
        self.staff_ids: set[int] = set()
        self._staff: dict[int, StaffRef] = {}
        self._contexts: dict[int, Value] = {}
        self.own_homes = set(
            AddressPeriod.objects.filter(person=subject).values_list("home_id", flat=True)
        ) | ({subject.home_id} if subject.home_id else set())

    # --- values ---------------------------------------------------------------------------

    def person(self, person_id: int) -> PersonRef:
        if person_id != self.subject.pk:
            self.others.add(person_id)
        return PersonRef(str(person_id))

    def staff(self, worker_id: int) -> StaffRef:
        if worker_id not in self._staff:
            w = Worker.objects.select_related("team__agency").get(pk=worker_id)
            where = [w.get_role_display()]
            if w.team is not None:
                where += [w.team.name, w.team.agency.name]
            self._staff[worker_id] = StaffRef(w.get_full_name() or w.username, ", ".join(where))
            self.staff_ids.add(worker_id)
        return self._staff[worker_id]

    def context(self, context_id: int) -> Value:
        """A place by name; another household's home is an address, withheld."""
        if context_id not in self._contexts:
            ctx = Context.objects.get(pk=context_id)
            if ctx.kind == ContextKind.HOME and ctx.pk not in self.own_homes:
                self._contexts[context_id] = Withheld("another household's address", ADDRESS)
            else:
                # A place's name is typed by a worker, and a peer group is often named after
                # someone in it: free text, redacted like any other.
                self._contexts[context_id] = Free(f"{ctx.name} ({ctx.get_kind_display().lower()})")
        return self._contexts[context_id]

    def value(self, obj: models.Model, f: models.Field[Any, Any]) -> Value | None:
        raw = getattr(obj, f.attname)
        if raw is None or raw == "" or raw == [] or raw == {}:
            return None
        if f.is_relation and f.related_model is not None:
            label = f.related_model._meta.label_lower  # type: ignore[union-attr]
            if label == PERSON:
                return self.person(raw)
            if label == "access.worker":
                return self.staff(raw)
            if label == "places.context":
                return self.context(raw)
            if label in ("access.team", "access.agency"):
                return str(getattr(obj, f.name))
            return f"{f.related_model._meta.verbose_name} {raw}"  # type: ignore[union-attr]
        if f.choices:
            return str(dict(f.flatchoices).get(raw, raw))
        if isinstance(raw, bool):
            return "Yes" if raw else "No"
        if isinstance(raw, dt.datetime):
            return f"{timezone.localtime(raw):%d/%m/%Y %H:%M}"
        if isinstance(raw, dt.date):
            return f"{raw:%d/%m/%Y}"
        if isinstance(raw, dt.time):
            return f"{raw:%H:%M}"
        if isinstance(f, models.JSONField):
            return Free(json.dumps(raw, ensure_ascii=False, default=str))
        if isinstance(f, models.CharField | models.TextField):
            return Free(str(raw))
        return str(raw)

    def item(
        self,
        obj: models.Model,
        heading: str,
        *,
        skip: Iterable[str] = (),
        extra: Iterable[tuple[str, Value]] = (),
        withhold: dict[str, Withheld] | None = None,
    ) -> Item:
        """Every field of ``obj`` that holds something, but ``skip`` (and the subject's own
        id, which the heading says), then ``extra``."""
        skipped = {"id", *skip}
        withhold = withhold or {}
        out: list[tuple[str, Value]] = []
        for f in obj._meta.concrete_fields:
            if f.name in skipped or (
                points_at(f, PERSON) and getattr(obj, f.attname) == self.subject.pk
            ):
                continue
            value = self.value(obj, f)
            if value is not None:
                out.append((_label(f), withhold.get(f.name, value)))
        out += list(extra)
        return Item(heading, f"{obj._meta.label_lower}:{obj.pk}", out)

    def _earlier(self, versions: Iterable[models.Model], parent: str, stamp: str) -> list[Item]:
        """A record's earlier wording, kept when it was corrected: still held, so exported."""
        return [
            self.item(
                v,
                f"Earlier wording, changed {timezone.localtime(getattr(v, stamp)):{DAY}}",
                skip=(parent,),
            )
            for v in versions
        ]

    # --- sections -------------------------------------------------------------------------

    def record(self) -> Section:
        s = self.subject
        section = Section("record", "Your record", "The record held about you, with its history.")
        section.items.append(self.item(s, "Person record"))
        census = CensusChild.objects.filter(person=s).first()
        if census is not None:
            section.items.append(self.item(census, "Children in need census details"))
        periods: list[tuple[type[AddressPeriod | LegalStatusEpisode | Allocation], str]] = [
            (AddressPeriod, "Address"),
            (LegalStatusEpisode, "Legal status"),
            (Allocation, "Allocated worker"),
        ]
        for model, noun in periods:
            for row in model.objects.filter(person=s).order_by("start"):
                section.items.append(self.item(row, f"{noun} from {row.start:{DAY}}"))
        return section

    def associations(self) -> Section:
        s = self.subject
        section = Section(
            "associations",
            "Associations and groups",
            "People you were recorded as knowing, and peer groups you were recorded in, "
            "ended ones included. Other people are not named.",
        )
        rows = Association.objects.filter(Q(person=s) | Q(other=s)).prefetch_related("contexts")
        for a in rows.order_by("valid_from", "id"):
            extra: list[tuple[str, Value]] = []
            if a.other_label:
                # Someone described but not identified is still a third party.
                extra.append(("Other person", PersonRef(f"described:{a.pk}")))
            places = [self.context(c.pk) for c in a.contexts.all()]
            if places:
                extra.append(("Where", places))
            section.items.append(
                self.item(
                    a,
                    f"Association from {a.valid_from:{DAY}}",
                    skip=("other_label", "replaces"),
                    extra=extra,
                )
            )
        for m in GroupMembership.objects.filter(person=s).order_by("since", "id"):
            section.items.append(self.item(m, f"Peer group membership from {m.since:{DAY}}"))
        return section

    def incidents(self) -> tuple[Section, list[Item]]:
        s = self.subject
        section = Section(
            "incidents",
            "Incidents",
            "Incidents you were recorded as involved in, and your role in each. Other people "
            "involved are not named.",
        )
        withheld: list[Item] = []
        rows = Involvement.with_removed.filter(person=s).select_related("incident")
        for inv in rows.order_by("incident__occurred_at", "id"):
            incident = inv.incident
            if incident.restricted and not self.include_restricted:
                withheld.append(
                    Item(
                        "Incident withheld",
                        f"incidents.incident:{incident.pk}",
                        [("Incident", Withheld("restricted police incident", WITHHELD_POLICE))],
                    )
                )
                continue
            others = (
                Involvement.objects.filter(incident=incident)
                .exclude(person=s)
                .values_list("person_id", flat=True)
                .distinct()
            )
            extra: list[tuple[str, Value]] = [("Your role", inv.get_role_display())]
            if inv.reason:
                extra.append(("Why you were added", Free(inv.reason)))
            if inv.removed_at is not None:
                extra += [
                    ("Your involvement removed on", f"{timezone.localtime(inv.removed_at):{DAY}}"),
                    ("Why it was removed", Free(inv.removal_reason)),
                ]
            people: list[Value] = [self.person(pid) for pid in sorted(others)]
            if people:
                extra.append(("Others involved", people))
            when = timezone.localtime(incident.occurred_at)
            section.items.append(self.item(incident, f"Incident on {when:{DAY}}", extra=extra))
            section.items += self._earlier(incident.revisions.all(), "incident", "revised_at")
        return section, withheld

    def notes(self) -> Section:
        s = self.subject
        section = Section(
            "notes",
            "Case notes",
            "Notes written on your record, and notes that name you. A note written on another "
            "child's record, a context case or a peer group gives only the passages that "
            "mention you.",
        )
        rows = (
            CaseNote.objects.filter(Q(person=s) | Q(children=s))
            .distinct()
            .prefetch_related("children", "present_workers", "revisions")
            .order_by("contact_on", "id")
        )
        for n in rows:
            if n.person_id != s.pk:  # another child's, a context case's, a peer group's
                section.items += self.other_childs_note(n)
                continue
            extra: list[tuple[str, Value]] = []
            named: list[Value] = [self.person(c.pk) for c in n.children.all()]
            if named:
                extra.append(("Children named", named))
            workers: list[Value] = [self.staff(w.pk) for w in n.present_workers.all()]
            if workers:
                extra.append(("Staff present", workers))
            section.items.append(self.item(n, f"Note of {n.contact_on:{DAY}}", extra=extra))
            section.items += self._earlier(n.revisions.all(), "note", "corrected_at")
        return section

    def other_childs_note(self, n: CaseNote) -> list[Item]:
        """A note written on another child's record, a context case or a peer group, that
        names the subject: its text is about that child, or that place or group and the
        others in it. Only the sentences naming the subject go in (their words redacted like
        any other), with when, what kind and who wrote it; the rest, and who else was there,
        are withheld and listed as withheld, so the data team sees that such a note exists
        and decides, reading it, whether more of it is the subject's. A case or group is not
        named (its name can name others): only what kind of record it is."""
        # By given name, "known as" or full name, not the family name alone: a note on a
        # brother or sister names their family name in every sentence about them.
        s = self.subject
        names = [x for x in (s.given_name, s.known_as, f"{s.given_name} {s.family_name}") if x]
        owner: Value
        if n.person_id is not None:
            on, owner = "another child's record", self.person(n.person_id)
            rest = Withheld("the rest of a note about another child", OTHER_CHILDS_NOTE)
        else:
            on = "a context case" if n.case_id is not None else "a peer group"
            owner = f"A {on[2:]}"
            rest = Withheld("the rest of a note on a context case or peer group", SHARED_NOTE)

        def said(kind: str, summary: str, text: str) -> list[tuple[str, Value]]:
            found = passages(f"{summary}\n{text}", names)
            mention: Value = (
                Free(" ... ".join(found))
                if found
                else "None by name: the note lists you among the children it names"
            )
            return [
                ("Kind of contact", Free(kind)),
                ("On the record of", owner),
                ("Passages that mention you", mention),
                ("The rest of the note", rest),
            ]

        items = [
            Item(
                f"Note on {on}, of {n.contact_on:{DAY}}",
                f"{n._meta.label_lower}:{n.pk}",
                [
                    *said(n.kind_label, n.summary, n.text),
                    ("Written by", self.staff(n.author_id)),
                ],
            )
        ]
        for v in n.revisions.all():
            items.append(
                Item(
                    f"Earlier wording, changed {timezone.localtime(v.corrected_at):{DAY}}",
                    f"{v._meta.label_lower}:{v.pk}",
                    said(v.kind_label, v.summary, v.text),
                )
            )
        return items

    def documents(self) -> tuple[Section, list[DocumentFile], int]:
        """The documents on the record, and their latest files; and how many removed
        documents were left out. A removed document is hidden from every page and kept only
        until the retention purge; one is often removed because it was put on the wrong
        child's record, so it, its file, its title (which may name that child) and why it
        was removed are another child's, not the subject's: none of it goes in. The
        approver is told how many (``SubjectAccessPackage.removed_documents_left_out``)."""
        section = Section(
            "documents",
            "Documents",
            "Documents on your record. Their files are in the folder 'documents' of this package.",
        )
        files: list[DocumentFile] = []
        held = Document.objects.filter(person=self.subject)
        removed = held.filter(removed_at__isnull=False).count()
        rows = held.filter(removed_at__isnull=True).prefetch_related("versions")
        for d in rows.order_by("dated", "id"):
            versions = sorted(d.versions.all(), key=lambda v: v.number)
            latest = versions[-1] if versions else None
            extra: list[tuple[str, Value]] = []
            if latest is not None and latest.purged_at is None:
                # Numbered, not named: an uploaded file's name can name someone else.
                suffix = Path(latest.original_name).suffix.lower()[:10]
                arcname = f"documents/document-{d.pk}-version-{latest.number}{suffix}"
                files.append(DocumentFile(d.pk, latest.pk, latest.stored_name, arcname))
                extra.append(("File in this package", arcname))
            section.items.append(self.item(d, f"Document dated {d.dated:{DAY}}", extra=extra))
        return section, files, removed

    def plans(self) -> Section:
        s = self.subject
        section = Section(
            "plans",
            "Plans, referrals and conferences",
            "Context safeguarding plans and referrals that include you, their actions, and the "
            "conferences held on those cases.",
        )
        case_ids: set[int] = set()
        for named_in in ReferralChild.objects.filter(person=s).select_related("referral"):
            r = named_in.referral
            section.items.append(
                self.item(
                    r,
                    f"Referral received {r.received_on:{DAY}}",
                    withhold={
                        "referrer_name": Withheld("who made the referral", THIRD_PARTY),
                        "referrer_contact": Withheld("the referrer's contact details", THIRD_PARTY),
                    },
                )
            )
        for link in PlanChild.objects.filter(person=s).select_related("plan__case"):
            plan = link.plan
            case_ids.add(plan.case_id)
            # The place goes as a value, not in the heading: a plan on another household's
            # home would otherwise give their address (self.context withholds it).
            section.items.append(
                self.item(
                    plan,
                    "Context plan",
                    extra=[
                        ("For", self.context(plan.case.context_id)),
                        ("You were added on", f"{timezone.localtime(link.added_at):{DAY}}"),
                    ],
                )
            )
            for action in PlanAction.objects.filter(plan=plan).order_by("due_on", "id"):
                section.items.append(
                    self.item(action, f"Action due {action.due_on:{DAY}}", skip=("plan",))
                )
        for conf in ContextConference.objects.filter(case_id__in=case_ids).order_by("due_on"):
            section.items.append(
                self.item(
                    conf, f"Context conference due {conf.due_on:{DAY}}", skip=("names_confirmed",)
                )
            )
        return section

    def statutory(self) -> Section:
        section = Section(
            "statutory",
            "Children in need and child protection",
            "Children in need episodes, assessments, plans, section 47 enquiries and child "
            "protection plans.",
        )
        for ep in CINEpisode.objects.filter(person=self.subject).order_by("referral_date"):
            section.items.append(
                self.item(ep, f"Children in need episode from {ep.referral_date:{DAY}}")
            )
            for parts, noun in (
                (ep.assessments.all(), "Assessment"),
                (ep.plans.all(), "Children in need plan"),
                (ep.enquiries.all(), "Section 47 enquiry"),
                (ep.cp_plans.all(), "Child protection plan"),
            ):
                for part in parts:
                    section.items.append(
                        self.item(part, f"{noun} from {part.start:{DAY}}", skip=("episode",))
                    )
        return section

    def safety(self) -> Section:
        s = self.subject
        section = Section(
            "safety",
            "Safety maps",
            "The places you marked safe or not safe, in your words, and the contexts workers "
            "weighed as mattering most to your safety.",
        )
        for session in (
            MapSession.objects.filter(person=s)
            .prefetch_related("marks__amendments")
            .order_by("held_on")
        ):
            section.items.append(self.item(session, f"Safety mapping on {session.held_on:{DAY}}"))
            for mark in session.marks.all():
                section.items.append(self.item(mark, "Place marked", skip=("session",)))
                section.items += self._earlier(mark.amendments.all(), "mark", "amended_at")
        for w in (
            Weighting.objects.filter(person=s).prefetch_related("items").order_by("decided_on")
        ):
            section.items.append(self.item(w, f"Context weighting of {w.decided_on:{DAY}}"))
            for weighted in w.items.all():
                section.items.append(
                    self.item(weighted, f"Context ranked {weighted.rank}", skip=("weighting",))
                )
        return section

    def visits(self) -> Section:
        section = Section("visits", "Visits", "Outreach visits on which you were met and named.")
        links = VisitPerson.objects.filter(person=self.subject).select_related("visit__plan")
        for link in links.order_by("visit__on"):
            v = link.visit
            section.items.append(
                self.item(
                    v,
                    f"Visit on {v.on:{DAY}}",
                    skip=("plan", "incident", "referral"),
                    extra=[("Place", self.context(v.plan.context_id))],
                )
            )
        return section

    def meetings(self) -> Section:
        s = self.subject
        section = Section(
            "meetings",
            "Meetings and panels",
            "Peer group mapping meetings, harmful sexual behaviour meetings and MACE panels that "
            "named you: the meeting, and what was recorded about you.",
        )
        for link in MeetingChild.objects.filter(person=s).select_related("meeting"):
            m = link.meeting
            # The map snapshot is the whole group's: other people, so not exported.
            section.items.append(
                self.item(m, f"Meeting: {m.title}", skip=("map_snapshot", "group"))
            )
        for action in Intervention.objects.filter(person=s).order_by("due_on"):
            section.items.append(self.item(action, f"Work agreed, due {action.due_on:{DAY}}"))
        for entry in AgendaItem.objects.filter(person=s).select_related("meeting"):
            p = entry.meeting
            section.items.append(
                self.item(
                    entry,
                    f"Panel: {p.title}",
                    skip=("meeting",),
                    extra=[
                        ("Panel", p.get_kind_display()),
                        ("Met on", f"{p.meets_on:{DAY}}"),
                    ],
                )
            )
        return section

    def shares(self) -> Section:
        """Each row of the sharing register about the subject (Art 15(1)(c): the recipients).
        A row about several children says only that it was about the subject."""
        section = Section(
            "shares",
            "Who your information was shared with",
            "Each time information about you was shared outside the team that holds it: with "
            "whom, who shared it, why, on what lawful basis, what was shared, and when. Where "
            "one sharing was about other children too, only you are shown.",
        )
        pk = self.subject.pk
        # ``people`` is a JSON list of ids: narrowed by its text (the same on every
        # database), then matched exactly, so id 12 never picks up a row about 112.
        rows = (
            Share.objects.filter(people__icontains=str(pk))
            .select_related("by")
            .prefetch_related("recipients__agency")
            .order_by("at", "id")
        )
        for share in rows:
            if pk in {int(p) for p in share.people}:
                section.items.append(self.share(share))
        return section

    def share(self, share: Share) -> Item:
        with_whom: list[Value] = [self.recipient(r, share.kind) for r in share.recipients.all()]
        fields: list[tuple[str, Value]] = [
            ("Kind of sharing", share.get_kind_display()),
            ("Shared with", with_whom or "Not recorded"),
            ("Shared by", self.staff(share.by_id)),
            ("Purpose", Free(share.purpose)),
            ("What was shared", Free("; ".join(share.what))),
            ("The record shared", Free(share.record_ref)),
            ("Lawful basis (UK GDPR article 6)", share.get_article6_display()),
            (
                "Condition for special category or criminal offence data",
                share.get_condition_display(),
            ),
            # "Other" is stated in words by the worker: free text, redacted like any other.
            ("Statutory duty or power", Free(duty_text(share.duty, share.duty_other))),
        ]
        if share.guidance:
            fields.append(("Working Together to Safeguard Children 2023 followed", "Yes"))
        when = timezone.localtime(share.at)
        fields.append(("Shared on", f"{when:{MINUTE}}"))
        until = f"{timezone.localtime(share.until):{MINUTE}}" if share.until else ""
        note = share.until_note
        fields.append(("Until", f"{until} ({note})" if until and note else until or note or "-"))
        return Item(
            f"{share.get_kind_display()} on {when:{DAY}}", f"sharing.share:{share.pk}", fields
        )

    def recipient(self, r: Recipient, kind: str) -> Value:
        """A worker as staff are shown (named only if the data team chose to). Someone outside
        Locus is named like staff too, with their organisation; a referral's referrer never
        is (withheld in the referral itself as a third party)."""
        if r.worker_id is not None:
            return self.staff(r.worker_id)
        org = r.agency.name if r.agency is not None else OUTSIDE
        if kind == ShareKind.REFERRAL and r.agency is not None:
            return StaffRef("", org)
        return StaffRef(r.name, org)

    def _challenge(
        self, obj: Dispute | Objection, heading: str, said: list[tuple[str, Value]], outcome: str
    ) -> Item:
        """A dispute or an objection: what the person said, how it came, the decision and why."""
        how = obj.get_received_how_display().lower()
        fields = [
            *said,
            ("Received", f"{obj.received_on:{DAY}}, {how}"),
            ("Recorded by", self.staff(obj.recorded_by_id)),
            ("Outcome", outcome),
        ]
        if obj.decided_by_id is not None and obj.decided_at is not None:
            fields.append(("Decided by", self.staff(obj.decided_by_id)))
            fields.append(("Decided on", f"{timezone.localtime(obj.decided_at):{DAY}}"))
        if obj.reason:
            fields.append(("Reasons for the decision", Free(obj.reason)))
        return Item(
            f"{heading}, received {obj.received_on:{DAY}}",
            f"{obj._meta.label_lower}:{obj.pk}",
            fields,
        )

    def disputed_item(self, d: Dispute) -> list[tuple[str, Value]]:
        """What the dispute is about, pointing at the record as the sections above show it."""
        if d.about == About.ASSOCIATION and d.association is not None:
            a = d.association
            other = self.person(a.other_id) if a.other_id else PersonRef(f"described:{a.pk}")
            return [
                ("What you challenged", f"An association from {a.valid_from:{DAY}}"),
                ("With", other),
            ]
        if d.about == About.INVOLVEMENT and d.involvement is not None:
            incident = d.involvement.incident
            if incident.restricted and not self.include_restricted:
                return [
                    ("What you challenged", Withheld("restricted police incident", WITHHELD_POLICE))
                ]
            when = timezone.localtime(incident.occurred_at)
            return [("What you challenged", f"Your part in the incident on {when:{DAY}}")]
        if d.about == About.NOTE and d.note is not None:
            return [("What you challenged", f"The case note of {d.note.contact_on:{DAY}}")]
        if d.about == About.FIELD:
            return [("What you challenged", f"A detail of your record: {d.get_field_display()}")]
        return [("What you challenged", "Your whole record")]

    def disputed(self) -> Section:
        section = Section(
            "disputes",
            "Records you dispute",
            "Where you said your record was wrong, or objected to your information being used: "
            "what you said, in your words, and what was decided and why.",
        )
        disputes = (
            Dispute.objects.filter(person=self.subject)
            .select_related("association", "involvement__incident", "note")
            .order_by("received_on", "id")
        )
        for d in disputes:
            said = [*self.disputed_item(d), ("Your account", Free(d.account))]
            item = self._challenge(d, "Accuracy challenged", said, d.get_outcome_display())
            if d.correction:
                item.fields.append(("What was corrected", Free(d.correction)))
            section.items.append(item)
        for o in Objection.objects.filter(person=self.subject).order_by("received_on", "id"):
            section.items.append(
                self._challenge(
                    o,
                    "Objection to the use of your information",
                    [("Your grounds", Free(o.grounds))],
                    o.get_decision_display(),
                )
            )
        return section

    def checks(self) -> Section:
        """Requests to the data team that the subject's record was in: a worker refused an
        identifier the subject holds (or recording someone whose details matched the
        subject's record) asked for it to be checked. Only that it was asked and answered:
        what was typed, and the notes about it, are about the person being recorded or
        changed, another person (as a referrer's name is); that person is not shown at all."""
        section = Section(
            "checks",
            "Checks on your record",
            "Where an identifier or a possible duplicate record a worker typed matched your "
            "record and another, and they asked for it to be checked: when it was asked, and "
            "whether it was answered. What they typed, and the notes on it, are about "
            "another person too, and are withheld.",
        )
        s = self.subject
        rows = (
            IdentifierQuery.objects.filter(Q(person=s) | Q(conflicting=s) | Q(matches=s))
            .distinct()
            .order_by("requested_at", "id")
        )
        for q in rows:
            what = q.get_kind_display()
            if q.kind == QueryKind.IDENTIFIER and q.field:
                what = f"{what}: {q.get_field_display()}"
            answered = "Not yet"
            if q.closed_at is not None:
                answered = f"Yes, on {timezone.localtime(q.closed_at):{DAY}}"
            fields: list[tuple[str, Value]] = [
                ("What was checked", what),
                ("Asked by", self.staff(q.requested_by_id)),
                ("Asked on", f"{timezone.localtime(q.requested_at):{DAY}}"),
                ("Answered", answered),
            ]
            if q.closed_by_id is not None:
                fields.append(("Answered by", self.staff(q.closed_by_id)))
            fields.append(
                (
                    "What was typed, and the notes on it",
                    Withheld("details typed about another person", THIRD_PARTY),
                )
            )
            section.items.append(
                Item(
                    f"Check asked on {timezone.localtime(q.requested_at):{DAY}}",
                    f"{q._meta.label_lower}:{q.pk}",
                    fields,
                )
            )
        return section

    def other_records(self) -> Section:
        section = Section(
            "other",
            "Other records",
            "Other records held about you (school rolls, strengths, moves, reviews and others).",
        )
        covered = COVERED | set(DISPUTED)
        for model in apps.get_models():
            if model._meta.app_label in NOT_EXPORTED_APPS:
                continue
            for f in model._meta.concrete_fields:
                if not points_at(f, PERSON) or (model._meta.label_lower, f.name) in covered:
                    continue
                noun = str(model._meta.verbose_name).capitalize()
                for obj in model._base_manager.filter(**{f.name: self.subject}).order_by("pk"):
                    section.items.append(self.item(obj, noun))
        # A managed move's values before each correction: kept with the move, so still held.
        earlier = ManagedMoveRevision.objects.filter(move__person=self.subject).order_by("pk")
        section.items += self._earlier(earlier, "move", "corrected_at")
        return section

    def access_log(self) -> Section:
        section = Section(
            "access",
            "Who opened your record",
            "Every time a worker opened, searched for or exported a record about you.",
        )
        events = (
            AccessEvent.objects.filter(people__contains=f",{self.subject.pk},")
            .order_by("at", "id")
            .only("id", "at", "action", "record_type", "actor_id")
        )
        for e in events:
            section.items.append(
                Item(
                    f"{timezone.localtime(e.at):{MINUTE}}",
                    f"audit.accessevent:{e.pk}",
                    [
                        ("What", e.get_action_display()),
                        ("Record", kind_of(e.record_type).noun),
                        ("By", self.staff(e.actor_id)),
                    ],
                )
            )
        return section


def gather(subject: Person, *, include_restricted: bool = False) -> Gathered:
    """Everything held on ``subject``, in sections, wrapped for the redactor."""
    g = Gatherer(subject, include_restricted=include_restricted)
    incidents, withheld = g.incidents()
    documents, files, removed = g.documents()
    readers: list[Callable[[], Section]] = [
        g.record,
        g.associations,
        lambda: incidents,
        g.notes,
        lambda: documents,
        g.plans,
        g.statutory,
        g.safety,
        g.visits,
        g.meetings,
        g.shares,
        g.disputed,
        g.checks,
        g.other_records,
    ]
    sections = [read() for read in readers]
    if withheld:
        incidents.items += withheld
    # Last: the export's own reads are not in it, but every read before it is.
    sections.append(g.access_log())
    return Gathered(subject, sections, files, g.others, g.staff_ids, removed)
