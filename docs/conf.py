"""Sphinx configuration of micropop's documentation (``make docs``).

The build needs no network: no intersphinx inventories are fetched. The
notebooks are executed by myst-nb and cached under ``_build/.jupyter_cache``, so
a rebuild executes only the notebooks (and pages) whose code changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(DOCS.parent / "src"))

import micropop  # noqa: E402

project = "micropop"
author = "micropop developers"
copyright = "micropop developers"
version = release = micropop.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "micropop_docs",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# API reference: one page per public object, written at build time.
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": False}
numpydoc_show_class_members = True
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()  # tests/package/test_docstrings.py validates

# MyST and myst-nb: execute notebooks and executable pages, cached; a failing cell fails.
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

html_theme = "pydata_sphinx_theme"
html_title = f"micropop {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_last_updated_fmt = None
suppress_warnings = ["mystnb.unknown_mime_type"]
