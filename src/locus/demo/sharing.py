"""The demo's sharing register and the authority's policies (docs/sharing.md, docs/policies.md).

Meetings, panels, conferences and referrals write their register rows as the demo makes them
(through the same services). This adds the rest, so each persona has something to see: sample
policy texts (clearly marked as samples to replace), an API token for the police analyst's
dashboard, an export by the team manager, and the register row of the demo's emergency access.
"""

from __future__ import annotations

import datetime as dt

from locus.access.models import BreakGlass, Worker
from locus.api.services import token_create
from locus.common import clock
from locus.exports.services import Why, export_list
from locus.policies.models import PolicyKind, PolicyVersion
from locus.policies.services import policy_edit
from locus.sharing.models import Share, ShareKind
from locus.sharing.services import To, record_share
from locus.sharing.vocab import EMERGENCY, POLICE_DISCLOSURE, SAFEGUARDING

SAMPLE = "Sample: replace with your authority's own."

POLICIES = {
    PolicyKind.PEER_ASSESSMENT: (
        "Peer assessment policy (sample)",
        f"{SAMPLE}\n\n"
        "1. An association between young people is recorded only with its source and how sure "
        "the worker is. Hearsay is recorded as hearsay.\n\n"
        "2. A young person harmed is recorded as harmed, never as a member of the group that "
        "harms them. Victims and those who harm are never put on the same list.\n\n"
        "3. A peer map names peers only to a worker who may see them; at Level 1 a worker "
        "records why they need the names before they see them.\n\n"
        "4. An association ends when the evidence for it does: review each one at least every "
        "six months, and end it with a reason.",
    ),
    PolicyKind.ISA: (
        "Information-sharing agreement (sample)",
        f"{SAMPLE}\n\n"
        "Parties: Children's Social Care, the Youth Justice Service, the Metropolitan Police, "
        "schools and named partner organisations.\n\n"
        "Lawful basis: UK GDPR article 6(1)(e) public task; special category and criminal "
        "offence data under article 9(2)(g) and DPA 2018 schedule 1 paragraph 18 "
        "(safeguarding of children and of individuals at risk); duties under the Children Act "
        "1989 s.17 and s.47 and the Children Act 2004 s.10 and s.11; the power in the Crime "
        "and Disorder Act 1998 s.115. Consent is not the basis for safeguarding sharing.\n\n"
        "What is shared: only the fields a meeting or panel needs, agreed by the worker who "
        "holds each child's case. Sharing is recorded in the sharing register.\n\n"
        "Retention: exported lists are deleted within 7 days of their purpose ending.",
    ),
    PolicyKind.DPIA: (
        "Data protection impact assessment (sample)",
        f"{SAMPLE}\n\n"
        "Processing: recording young people at risk of harm outside the home, the places and "
        "groups involved, and sharing with partners to protect them.\n\n"
        "Risks and measures: a child labelled by association (associations carry a source and "
        "confidence, and end); victims treated as offenders (separate roles, never one list); "
        "blanket sharing (need to know, a lawful basis on every share, the sharing register); "
        "records kept too long (retention and purge); unseen changes (a tamper-evident audit "
        "trail).",
    ),
}


def _persona(username: str) -> Worker | None:
    return Worker.objects.filter(username=username, is_active=True).first()


def _policies(admin: Worker) -> None:
    for kind, (title, text) in POLICIES.items():
        if not PolicyVersion.objects.filter(kind=kind).exists():
            policy_edit(actor=admin, kind=kind, title=title, text=text, summary="Sample text")


def _token(analyst: Worker) -> None:
    token_create(
        actor=analyst,
        name="Area picture dashboard",
        basis=POLICE_DISCLOSURE,
        purpose="Refresh the weekly area picture of incidents near schools for the tasking meeting",
        expires_on=clock.today() + dt.timedelta(days=90),
    )


def _export(manager: Worker) -> None:
    export_list(
        actor=manager,
        key="caseload",
        query={},
        fmt="csv",
        why=Why(
            SAFEGUARDING,
            "The team's caseload for the monthly case review with the service manager",
            "Service manager, Children's Social Care",
        ),
    )


def _emergency() -> None:
    """The demo's emergency access (demo/trust.py) with its register row."""
    for use in BreakGlass.objects.select_related("worker"):
        source_id = str(use.pk)
        if Share.objects.filter(kind=ShareKind.BREAK_GLASS, source_id=source_id).exists():
            continue
        record_share(
            actor=use.worker,
            kind=ShareKind.BREAK_GLASS,
            basis=EMERGENCY,
            purpose=f"Break-glass ({use.get_category_display()}): {use.reason}",
            what=["The child's whole record, read-only"],
            record_ref=f"Emergency access {use.pk}",
            source=use,
            recipients=[To(worker=use.worker)],
            people=[use.person_id],
            until=use.ended_at or use.expires_at,
            until_note="When the emergency access ends",
        )


def add_demo_sharing() -> None:
    """Add the policies and shares (nothing if the policies are there already)."""
    admin = _persona("admin")
    if admin is None or PolicyVersion.objects.exists():
        return
    _policies(admin)
    if (analyst := _persona("police.analyst")) is not None:
        _token(analyst)
    if (manager := _persona("team.manager")) is not None:
        _export(manager)
    _emergency()
