from django.contrib import admin

from locus.common.admin import ReadOnlyAdmin
from locus.sharing.models import Share

#: A record's lawful basis as the admin shows it: read-only, since a basis changes only with
#: the sharing it is for (and its register row), through that record's own form.
BASIS_FIELDS = (
    "article6",
    "condition",
    "duty",
    "duty_other",
    "guidance",
    "lawful_basis",
    "lawful_basis_other",
)


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    """Read-only: the register is written by the services that share, never by hand."""

    list_display = ("at", "kind", "by", "record_ref", "article6", "until")
    list_filter = ("kind", "article6")
    list_select_related = ("by",)
