"""Running a Python script in a fresh process (a database built from nothing, with its own
settings) and reading back the JSON it prints last."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def run_script(script: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """Run ``script`` with ``python -c`` and ``args``, in this environment plus ``env``;
    it must succeed (its error's tail is shown if not) and print a JSON object last."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
