"""Test-suite settings shared by every test file."""

import os

from hypothesis import settings

# In CI (CI=true), property tests draw the same examples on every run, so a
# submission's result does not depend on the luck of the draw; locally they
# explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
