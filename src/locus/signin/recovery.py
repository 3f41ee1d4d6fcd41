"""Recovery codes: how one is made, and how it is kept (a keyed hash, never the code).

A recovery code is a second factor on its own, so whoever reads the database (a backup, a
replica, the admin site) must not come away with working codes: like a password, only a
hash is kept. The hash is an HMAC-SHA256 keyed from ``SECRET_KEY`` (Django's
``salted_hmac``), with a random salt for each code, so a copy of the table alone cannot be
searched for the codes it holds. A slow password hash is not needed for that and would make
each sign-in check ten of them.

Pure functions with no model: the migration that hashed the codes kept in plain text uses
them too, and must keep working as the models change.
"""

from __future__ import annotations

import secrets
from base64 import b32encode

from django.conf import settings
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac

# What the key is derived for: a different purpose from the SECRET_KEY's other uses.
KEY_SALT = "locus.signin.recovery-code"
# Eight letters and digits (base32 of 5 random bytes, 40 bits): the format django-otp's
# StaticToken made, so codes printed before keep their look and their strength.
CODE_BYTES = 5
SALT_LENGTH = 16


def new_code() -> str:
    return b32encode(secrets.token_bytes(CODE_BYTES)).decode().lower()


def normal_form(code: str) -> str:
    # Shown in lower case; people type them any way, with spaces or dashes.
    return "".join(code.split()).replace("-", "").lower()


def new_salt() -> str:
    return get_random_string(SALT_LENGTH)


def code_digest(code: str, salt: str, *, secret: str | None = None) -> str:
    """The kept form of ``code`` (hex HMAC-SHA256 of the salt and the code's normal form)."""
    value = f"{salt}:{normal_form(code)}"
    return salted_hmac(KEY_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def kept_form(code: str) -> tuple[str, str]:
    """What is kept of ``code``: a new salt, and the code's digest under it."""
    salt = new_salt()
    return salt, code_digest(code, salt)


def code_matches(code: str, salt: str, digest: str) -> bool:
    """Whether ``code`` is the one kept as ``digest``, compared in constant time. A key that
    has been replaced (``SECRET_KEY_FALLBACKS``) still opens the codes made under it."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    matched = False
    for key in keys:
        # Every key is tried, so the time taken does not say which one matched.
        matched |= constant_time_compare(code_digest(code, salt, secret=key), digest)
    return matched
