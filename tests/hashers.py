"""A cheap Argon2 for tests.

Django's Argon2 settings take about 100 MiB and a noticeable fraction of a second per hash,
by design; tests that set passwords or sign in (the lockout tests try many) spent seconds on
it. This hasher writes the same ``argon2$argon2id$...`` hashes with the smallest costs, so
a test that checks the algorithm or a password still checks the real format and code path.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: argon2's minimum for one lane
    parallelism = 1


# The production list (locus.config.settings) with its Argon2 made cheap.
PASSWORD_HASHERS = [
    "tests.hashers.CheapArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
