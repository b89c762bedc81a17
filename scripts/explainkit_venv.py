"""The virtualenv every fixture and benchmark script runs in.

`ensure_environment(requirements)` re-runs the calling script inside the virtualenv at `$EXPLAINKIT_VENV` (default
/tmp/explainkit-venv), creating it and installing `requirements` from PyPI first when it does not exist.
"""
import os
import subprocess
import sys


def ensure_environment(requirements):
    """Re-runs the calling script inside the virtualenv, creating it first when it does not exist."""
    venv = os.environ.get("EXPLAINKIT_VENV", "/tmp/explainkit-venv")
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call([python, "-m", "pip", "install", "--quiet", *requirements])
    os.execv(python, [python, *sys.argv])
