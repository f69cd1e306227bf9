"""The R-style methods' docstrings are assembled from their functions' (design._method_docs).

Their content is checked on the real methods by ``test_docstrings.py``
(``test_r_style_methods``); here, what the assembly does at its edges.
"""

from __future__ import annotations

import pytest

from micropop.design import SurveyDesign
from micropop.design import _method_docs as method_docs


def test_a_method_keeps_its_summary_and_example_and_takes_the_rest() -> None:
    doc = SurveyDesign.quantile.__doc__ or ""
    assert doc.startswith("Quantiles with their intervals, as R's ``svyquantile``")
    assert "Woodruff's: a confidence interval for the share" in doc  # the function's text
    assert "qrule : str, default \"math\"" in doc and "design :" not in doc
    assert doc.index("Notes\n-----") < doc.index("Examples\n--------")
    assert "datasets.load_worker_survey()" in doc.split("Examples\n--------")[1]
    assert "micropop.estimation.survey_quantile : The same" in doc


def test_short_function_names_are_named_in_their_package() -> None:
    doc = SurveyDesign.proportion.__doc__ or ""
    assert ":func:`~micropop.estimation.survey_mean`" in doc
    assert ":func:`survey_mean`" not in doc


def test_a_wrong_target_is_refused() -> None:
    def method(self: object) -> None:
        """A method."""
    with pytest.raises(LookupError, match="no documented function 'nothing'"):
        method_docs.documented_as("micropop.estimation.linear.nothing")(method)
    with pytest.raises(LookupError, match="not a module of micropop"):
        method_docs.function_docstring("pandas.core.frame", "DataFrame")
    with pytest.raises(LookupError, match="first parameter is not the design"):
        method_docs.method_docstring("A.", "B.\n\nParameters\n----------\nx : int\n", "m.f")


def test_without_source_files_the_method_keeps_its_own_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(module: str, name: str) -> str:
        raise FileNotFoundError(module)
    monkeypatch.setattr(method_docs, "function_docstring", missing)

    @method_docs.documented_as("micropop.estimation.linear.survey_total")
    def total(self: object) -> None:
        """Totals.

        Examples
        --------
        A worked example.
        """
    assert total.__doc__ == ("Totals.\n\nSee Also\n--------\nmicropop.estimation.survey_total"
                             " : The same, as a function of the design.\n\nExamples\n--------\n"
                             "A worked example.")
