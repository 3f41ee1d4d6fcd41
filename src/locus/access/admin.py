from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from locus.access.models import Agency, Role, Scope, Team, Worker
from locus.access.policies import same_person
from locus.access.provisioning import widens_sight
from locus.access.selectors import without_email
from locus.access.services import (
    AGENCY_FIXED,
    EMAIL_HELD,
    EMAIL_NEEDED,
    NAME_FIELDS,
    TEAM_FIXED,
    TEAM_NEEDED,
    agency_change,
    cases_left_for_role,
    cases_left_in_old_team,
    children_in_words,
    closed_account_cases_told,
    email_held_by_another,
    fixed_by_members,
    made_temporary,
    needs_team,
    password_recorded,
    proposer_moved_told,
    sessions_end,
    sign_in_handed_over,
    team_change,
    worker_access_ask,
    worker_email_change,
    worker_rename,
)
from locus.api.services import (
    AGENCY_CHANGED,
    DEACTIVATED,
    REACTIVATED,
    SIGHT_CHANGED,
    TEAM_CHANGED,
    tokens_end,
)
from locus.audit.services import snapshot
from locus.common.admin import AuditedAdmin
from locus.common.ids import parse_id
from locus.notifications.services import sign_in_changed

# Locus grants by role and scope, not by Django groups and permissions; an unused
# (and unaudited) group editor would only suggest otherwise.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class MembersFixedForm(forms.ModelForm):
    """A team's or an agency's form: what decides its members' sight is not changed once it
    has members (``access.services.fixed_by_members``), said at the field."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        changes = {name: cleaned[name] for name in self.changed_data if name in cleaned}
        for name, message in fixed_by_members(self.instance, changes).items():
            self.add_error(name, message)
        return cleaned


def _changed(form: forms.ModelForm) -> dict[str, Any]:
    """The fields ``form`` changed, with their new values (for a service to save)."""
    return {name: form.cleaned_data[name] for name in form.changed_data}


@dataclass(frozen=True)
class Fixed:
    """What a team's or an agency's page saves through: its service (``save``, taking the
    stored row as ``row``), the fields that change what its workers see (``sight``), the
    lookup from a worker to the row (``members``) and the note on their ended tokens."""

    save: Callable[..., Any]
    row: str
    sight: frozenset[str]
    members: str
    ended: str


class MembersFixedAdmin(AuditedAdmin):
    """A team's or an agency's page: a change to an existing one is saved by its service,
    which refuses what the form refuses and keeps the trail; where it changes what its
    workers see, the tokens its past workers kept end, since it changes only once it has no
    members and a token must not read on with the new sight."""

    form = MembersFixedForm
    fixed: Fixed

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        stored = type(obj)._default_manager.get(pk=obj.pk)
        self.fixed.save(actor=_actor(request), **{self.fixed.row: stored}, **_changed(form))
        if self.fixed.sight & set(form.changed_data):
            members = Worker.objects.filter(**{self.fixed.members: obj.pk})
            _end_tokens_of(request, members, self.fixed.ended)


# An agency's kind decides what its workers see (a record's fields, restricted police
# incidents); a team's agency and independence, what its members see.
@admin.register(Agency)
class AgencyAdmin(MembersFixedAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)
    fixed = Fixed(
        agency_change, "agency", frozenset(AGENCY_FIXED), "team__agency_id", AGENCY_CHANGED
    )


@admin.register(Team)
class TeamAdmin(MembersFixedAdmin):
    list_display = ("name", "agency", "independent")
    list_filter = ("agency", "independent")
    list_select_related = ("agency",)
    search_fields = ("name",)
    fixed = Fixed(team_change, "team", frozenset(TEAM_FIXED), "team_id", TEAM_CHANGED)


def _end_tokens_of(request: HttpRequest, workers: QuerySet[Worker], note: str) -> None:
    actor = _actor(request)
    for worker in workers.order_by("id"):
        tokens_end(actor=actor, worker=worker, note=note)


# The fields of a worker's and a team's record that change what the worker may see.
_WORKER_SIGHT = {"role", "scope", "team"}
_SIGHT_BEFORE = ("team", "role", "scope", "is_active")


Page = TypeVar("Page", bound=HttpResponse)


def _actor(request: HttpRequest) -> Worker:
    """The signed-in administrator (the admin site lets in no one else)."""
    assert isinstance(request.user, Worker)
    return request.user


def password_form_recorded(
    request: HttpRequest, worker_id: int | str, form: Callable[[], Page]
) -> Page:
    """Runs one of Django's password forms (``form``) for the worker ``worker_id``: Django
    saves the new password straight from its form, past the services, so the change is
    recorded here as ``worker_set_password`` records it (never the hash), ending their tokens.
    For an administrator's form for any worker, and the admin site's form for their own."""
    with transaction.atomic():
        old_hash = Worker.objects.filter(pk=worker_id).values_list("password", flat=True).first()
        response = form()
        new_hash = Worker.objects.filter(pk=worker_id).values_list("password", flat=True).first()
        # Django also redirects when it saved nothing; only a changed hash is a change.
        if request.method == "POST" and new_hash != old_hash:
            worker = Worker.objects.get(pk=worker_id)
            # A temporary password: the worker chooses their own at their next sign-in.
            was_due = made_temporary(_actor(request), worker)
            password_recorded(_actor(request), worker, was_due)  # tokens end too
            # The worker is told at once, with who and when (not for one's own password).
            sign_in_changed(_actor(request), worker, "set your password")
            # With no second factor set up, the administrator now holds the whole way in:
            # a second person confirms the account before it sees anything again.
            sign_in_handed_over(actor=_actor(request), worker=worker)
    return response


def _work_email(form: forms.ModelForm, required: bool) -> str:
    """The email a worker form was given: asked for when ``required``
    (``access.services.EMAIL_NEEDED``), and no other account's (``EMAIL_HELD``)."""
    email = str(form.cleaned_data.get("email") or "").strip()
    if required and not email:
        raise forms.ValidationError(EMAIL_NEEDED)
    if email_held_by_another(email, form.instance.pk):
        raise forms.ValidationError(EMAIL_HELD)
    return email


class WorkerAddForm(AdminUserCreationForm):
    """The admin site's new account: a username and the worker's work email, as
    ``worker_create`` asks (one person, one account)."""

    email = forms.EmailField(label="Work email", error_messages={"required": EMAIL_NEEDED})

    def clean_email(self) -> str:
        return _work_email(self, required=True)


class WorkerChangeForm(UserChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An email once given is not cleared: the account would then be compared only with
        # itself. An account made before every account had one may still be saved without
        # (deactivated, say); it is listed under "No work email" until it has one.
        self.had_email = bool(self.instance.email.strip())

    def clean_email(self) -> str:
        """One person, one account (``access.services.EMAIL_HELD``, ``EMAIL_NEEDED``)."""
        return _work_email(self, required=self.had_email)

    def clean(self) -> dict[str, Any]:
        """An active practitioner, manager or analyst has a team, as ``worker_create`` asks: a
        manager left without one would hold no team's powers yet pass a role check. An account
        the add form has just made (no team yet) is given one before it is made active."""
        data = super().clean() or {}
        role = data.get("role", self.instance.role)
        # Closing an account never waits on its caseload: a save that closes it changes its
        # team, role or scope whatever it holds, and its teams are told to pass the cases on
        # (``WorkerAdmin.save_model``).
        closing = "is_active" in self.changed_data and not data.get("is_active", True)
        changed = [] if closing or self.instance.pk is None else self.changed_data
        if "team" in changed and "team" in data:
            # A worker's cases are reallocated before they move (``cases_left_in_old_team``).
            team = data["team"]
            held = cases_left_in_old_team(self.instance, team.pk if team else None)
            if held:
                self.add_error("team", held)
        for field in ("role", "scope"):
            if field in changed and field in data:
                # A worker's cases are reallocated before they take a role that holds none, or
                # lose sight of case records, as before they move (above).
                scope = data.get("scope", self.instance.scope)
                held = cases_left_for_role(self.instance, role, f"change their {field}", scope)
                if held:
                    self.add_error(field, held)
                    break
        team = data.get("team", self.instance.team) if "team" in self.fields else self.instance.team
        active = data.get("is_active", self.instance.is_active)
        if active and team is None and needs_team(role) and "team" not in self.errors:
            self.add_error("team" if "team" in self.fields else None, TEAM_NEEDED)
        return data


class WithoutEmailFilter(admin.SimpleListFilter):
    """The accounts that separation of duties cannot tell from another account of the same
    person: made before every account had a work email (``access.checks``)."""

    title = "work email"
    parameter_name = "email"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("none", "No work email")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "none":
            return without_email(queryset)
        return queryset


_ACCESS_SHOWN = (
    "access_awaiting_since",
    "access_asked_by",
    "access_decided_at",
    "access_decided_by",
    "access_refusal",
)


@admin.register(Worker)
class WorkerAdmin(AuditedAdmin, UserAdmin):
    form = WorkerChangeForm
    add_form = WorkerAddForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "first_name", "last_name", "team", "role", "scope", "is_active")
    list_filter = ("role", "scope", "is_active", "team__agency", WithoutEmailFilter)
    list_select_related = ("team__agency",)
    # Access to this admin follows role and scope (policies.is_administrator); Django's
    # own flags are kept in step on save and never edited by hand, and groups and
    # per-user permissions are not used at all.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Locus", {"fields": ("team", "role", "scope", "job_title", "phone")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
        # A second person confirms what the admin site gives (access/provisioning.py).
        ("Access confirmation", {"fields": _ACCESS_SHOWN}),
    )
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined", *_ACCESS_SHOWN)
    filter_horizontal = ()

    # What decides a worker's sight and duties. Nobody sets their own: an administrator
    # who could would make themselves a team's manager (signing off casework, reviewing
    # emergency access) or widen their scope unseen by anyone else; another administrator
    # does it, in the change trail under their name.
    OWN_ACCOUNT_FIXED = ("team", "role", "scope", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fixed = super().get_readonly_fields(request, obj)
        if isinstance(obj, Worker) and same_person(obj, _actor(request)):
            return (*fixed, *self.OWN_ACCOUNT_FIXED)
        return fixed

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        assert isinstance(obj, Worker)
        obj.is_staff = obj.is_superuser = obj.role == Role.ADMINISTRATOR and obj.scope == Scope.ALL
        # What decided its sight before this save (None for a new account): a wider sight
        # waits for a second person (access/provisioning.py).
        before = Worker.objects.filter(pk=obj.pk).values(*_SIGHT_BEFORE).first() if change else None
        if not change and obj.has_usable_password():
            # A password given with the new account is one the administrator knows, as one
            # set later is: the worker chooses their own at their first sign-in.
            obj.password_change_due = True
        # The names and the email are changed by their services, which tell the worker (and,
        # for the email, the old address): the form's other fields are saved with the ones
        # kept until then.
        told = [name for name in (*NAME_FIELDS, "email") if change and name in form.changed_data]
        given = {name: getattr(obj, name) for name in told}
        if told:
            for name, value in Worker.objects.filter(pk=obj.pk).values(*told).get().items():
                setattr(obj, name, value)
        super().save_model(request, obj, form, change)
        names = {name: value for name, value in given.items() if name in NAME_FIELDS}
        if names:
            # Before the email: the notice goes to the address the worker has read until now.
            worker_rename(actor=_actor(request), worker=obj, **names)
        if "email" in given:
            worker_email_change(actor=_actor(request), worker=obj, email=given["email"])
        if change and "is_active" in form.changed_data:
            # A deactivated worker's tokens already stop working (access/api.py); ending
            # them says so in the change trail and closes their sharing-register rows. A
            # worker made active again starts with none either: a token left from before
            # (one made before deactivating ended them) must not come back to life.
            note = DEACTIVATED if not obj.is_active else REACTIVATED
            tokens_end(actor=_actor(request), worker=obj, note=note)
            # Nor a session: an inactive worker's reads as signed out, but made active again
            # within its hour it would be signed in once more, past its second factor, in
            # whatever browser was left open (a shared office PC, someone else's).
            sessions_end(worker=obj)
            if not obj.is_active:
                # Closed at once, whatever they hold: each team they hold children in is told
                # to pass the cases on (its managers, else the administrators).
                held = closed_account_cases_told(actor=_actor(request), worker=obj)
                if held:
                    messages.warning(
                        request,
                        f"{obj} still held {children_in_words(held)}: "
                        "their teams' managers (or, for a team with none, the administrators) "
                        "are told to pass the cases on.",
                    )
        elif change and _WORKER_SIGHT & set(form.changed_data):
            # A token reads with its holder's sight at each read, but was made (and entered
            # in the sharing register) within the sight they had then: a promotion, a move
            # to another agency's team or to all-records scope must not widen it unseen.
            tokens_end(actor=_actor(request), worker=obj, note=SIGHT_CHANGED)
        if before is not None and before["team"] != obj.team_id:
            # A proposer moved to another agency organises her meetings no more: the
            # managers of the team she proposed each from do, and are told now.
            proposer_moved_told(actor=_actor(request), worker=obj, old_team_id=before["team"])
        if widens_sight(before, obj):
            worker_access_ask(actor=_actor(request), worker=obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        parse_id(id)  # an id that is not one is "not found", before any query
        form = partial(super().user_change_password, request, id, form_url)
        return password_form_recorded(request, id, form)

    def audit_snapshot(self, obj: Model) -> dict[str, Any]:
        data = snapshot(obj)
        data.pop("password", None)
        return data
