"""The demo personas: who they are, what they see, and their shared password."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password
from django.db import transaction

from locus.access.models import SYSTEM_USERNAME, Role, Worker
from locus.access.services import system_worker, worker_create, workers_set_password


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    who: str
    sees: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "social.worker",
        "Jo",
        "Mensah",
        "Social worker, Contextual Safeguarding Team (CSC)",
        "own caseload and the team's cases",
    ),
    DemoAccount(
        "yjs.worker",
        "Kai",
        "Brennan",
        "Youth justice officer, Youth Justice Service",
        "own caseload and the team's cases; some children shared with social.worker",
    ),
    DemoAccount(
        "police.analyst",
        "Priya",
        "Desai",
        "Intelligence analyst, Metropolitan Police",
        "people and incidents linked to police-held incidents; not CSC-only children",
    ),
    DemoAccount(
        "school.dsl",
        "Hannah",
        "Adler",
        "Designated safeguarding lead at a secondary school",
        "the school's pupils and the incidents the school reported",
    ),
    DemoAccount(
        "team.manager",
        "Ruth",
        "Adeyemi",
        "Team manager, Contextual Safeguarding Team (CSC)",
        "the team's caseload; allocates cases",
    ),
    DemoAccount(
        "practice.manager",
        "Tomasz",
        "Kowal",
        "Practice manager (second manager), Contextual Safeguarding Team (CSC)",
        "the team's caseload; signs off what team.manager may not",
    ),
    DemoAccount(
        "housing.officer",
        "Grace",
        "Okafor",
        "Tenancy officer, Rowan Housing Association (housing provider, partner)",
        "only the context cases its association is part of: goals and own actions; no child; "
        "the home it recorded (Flat 3, Linnet House) and its household's consent",
    ),
    DemoAccount(
        "conference.chair",
        "Imran",
        "Siddiqui",
        "Conference chair, Safeguarding and Quality Assurance Unit (CSC)",
        "context cases, no caseload; records the conferences chaired",
    ),
    DemoAccount(
        "auditor",
        "Dan",
        "Whitfield",
        "Information governance auditor",
        "the audit trail only, no case records",
    ),
    DemoAccount(
        "admin",
        "Morgan",
        "Lee",
        "System administrator",
        "everything, and the admin site",
    ),
    # The data team's second member: an export of everything held on a child is released
    # only when someone other than its maker approves it, so the walk-through needs two.
    DemoAccount(
        "data.officer",
        "Amara",
        "Osei",
        "Data protection officer (data team)",
        "as admin; approves the release of the subject access exports admin makes: one "
        "waits in My work",
    ),
)
DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS)
_DEMO = {a.username: a for a in DEMO_ACCOUNTS}


def demo_email(username: str) -> str:
    """A demo worker's work email, invented as they are (every account has one:
    ``access.services.EMAIL_NEEDED``); ``.example`` is a domain no mail reaches."""
    return f"{username}@demo.example"


#: Every demo account's work email ends so (:func:`demo_email`).
DEMO_EMAIL_DOMAIN = "@demo.example"


def accounts_not_the_demos() -> list[str]:
    """The usernames of the accounts in this database that the demo did not make (the command
    line's own account aside): a live system's. ``locus demo`` gives its personas a printed
    password, an administrator's among them, which nobody confirms; on a live database it
    would so make an administrator of whoever ran it, or set the password of a worker who has
    a persona's username, and mix an invented borough into the records of real children.
    A database the demo has made before is its own, accounts added since on its admin site
    (trying out the confirmation of access, say) included: running the demo again keeps it."""
    if Worker.objects.filter(email__iendswith=DEMO_EMAIL_DOMAIN).exists():
        return []
    others = Worker.objects.exclude(username=SYSTEM_USERNAME).exclude(
        email__iendswith=DEMO_EMAIL_DOMAIN
    )
    return list(others.order_by("username").values_list("username", flat=True)[:5])


def ensure_demo_accounts(password: str) -> list[tuple[str, str]]:
    """Give every demo persona ``password``; returns ``(username, description)`` pairs.

    The accounts (and their caseloads) are made by :func:`generate_borough`, so
    that one seed always gives the same caseloads; here they only get a password.
    Safe to run again: nothing is duplicated, and a new password replaces the old.
    ``auditor``, ``admin`` and ``data.officer`` need no team and are created if missing; the others
    need the borough. A borough generated before an account was added to the demo
    has no place for it: that account is left out (a new data folder has it).
    """
    out: list[tuple[str, str]] = []
    # The personas share the password, and one hash (see workers_set_password): a hash is
    # slow by design, so it is made once for every account that needs it, and checked
    # once for every account that already holds the same one.
    stale: list[Worker] = []
    checked: dict[str, bool] = {}
    with transaction.atomic():
        system = system_worker()
        for account in DEMO_ACCOUNTS:
            worker = Worker.objects.filter(username=account.username).first()
            if worker is None:
                if account.username == "auditor":
                    role = Role.AUDITOR
                elif account.username in ("admin", "data.officer"):
                    role = Role.ADMINISTRATOR
                elif Worker.objects.filter(username=DEMO_ACCOUNTS[0].username).exists():
                    continue  # an older borough, made before this account
                else:
                    raise LookupError(
                        f"demo account {account.username!r} is missing: generate the borough first"
                    )
                worker_create(
                    actor=system,
                    username=account.username,
                    first_name=account.first_name,
                    last_name=account.last_name,
                    team=None,
                    role=role,
                    password=password,
                    email=demo_email(account.username),
                    job_title=account.who,
                )
            elif not worker.has_usable_password() or not _holds(worker, password, checked):
                stale.append(worker)
            out.append((account.username, f"{account.who}: sees {account.sees}"))
        if stale:
            workers_set_password(actor=system, workers=stale, password=password)
    return out


def _holds(worker: Worker, password: str, checked: dict[str, bool]) -> bool:
    """Whether ``worker``'s stored hash is of ``password`` (each distinct hash checked once)."""
    if worker.password not in checked:
        checked[worker.password] = check_password(password, worker.password)
    return checked[worker.password]
