"""Where the test suite finds the repository, its data and R's reference numbers."""

from pathlib import Path

#: The repository's root folder.
ROOT = Path(__file__).resolve().parents[2]
#: The R scripts, their fixtures and their committed output (``golden*.json``).
REFERENCE = ROOT / "tests" / "reference"
