"""The built wheel carries the data (as micropop/_data) and the loaders find it.

Builds the wheel offline (no build isolation, no index; hatchling comes with
the test extras), installs it into a temporary folder and loads datasets in a
subprocess that cannot see the source checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from support.paths import ROOT

REPO = ROOT

pytest.importorskip("hatchling")

SCRIPT = """
import sys
from pathlib import Path
import micropop
from micropop import datasets

site = Path(sys.argv[1]).resolve()
assert Path(micropop.__file__).resolve().is_relative_to(site), micropop.__file__
folder = datasets.data_dir().resolve()
assert folder == site / "micropop" / "_data", folder
pf = datasets.load_platforms()
assert round(int(pf["accounts_fr"].sum()) / 1.27) == 266126
ref = datasets.load_reference("insee_rp2018_sex_age")
assert len(ref) == 21
ws = datasets.load_worker_survey()
assert ws.shape == (1000, 34), ws.shape
print("ok", folder)
"""


def _run(args, **kwargs):
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.update(kwargs.pop("env", {}))
    proc = subprocess.run(args, capture_output=True, text=True, timeout=180, env=env,
                          **kwargs)
    assert proc.returncode == 0, f"{args}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def test_wheel_ships_data_and_loads_it(tmp_path):
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-w", str(dist), str(REPO)])
    wheels = list(dist.glob("micropop-*.whl"))
    assert len(wheels) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    for rel in ("worker_survey.csv", "worker_survey.codebook.yaml", "platforms.csv",
                "population_survey.csv", "reference/insee_rp2018_sex_age.csv"):
        assert f"micropop/_data/{rel}" in names, rel

    site = tmp_path / "site"
    _run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
          "--target", str(site), str(wheels[0])])

    # PYTHONPATH puts the installed wheel before the venv's editable install of
    # the checkout; cwd is the temporary folder so the checkout is not on sys.path.
    env = {"PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    proc = _run([sys.executable, "-c", SCRIPT, str(site)], cwd=tmp_path, env=env)
    assert proc.stdout.startswith("ok")
