"""Families and links of :func:`micropop.models.glm`, taken from statsmodels.

R's names (``gaussian``, ``binomial``, ``quasibinomial``, ``poisson``,
``quasipoisson``, ``Gamma``; links ``identity``, ``logit``, ``probit``,
``log``, ``cloglog``, ``inverse``) map to statsmodels' family and link
objects; the quasi families share their parent's variance function (their
coefficients and, in a survey design, their variances are the same).

Examples
--------
>>> spec = family_spec("quasibinomial")
>>> spec.name, spec.link_name, type(spec.family).__name__
('quasibinomial', 'logit', 'Binomial')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import statsmodels.genmod.families as sm_families  # type: ignore[import-untyped]
from statsmodels.genmod.families import links as sm_links

from micropop.errors import OptionError, ResponseSupportError, data_rows

__all__ = ["FAMILIES", "LINKS", "FamilySpec", "check_support", "family_spec"]

#: Each family: its statsmodels class and its default (canonical, as R) link.
FAMILIES: dict[str, tuple[type[sm_families.Family], str]] = {
    "gaussian": (sm_families.Gaussian, "identity"),
    "binomial": (sm_families.Binomial, "logit"),
    "quasibinomial": (sm_families.Binomial, "logit"),
    "poisson": (sm_families.Poisson, "log"),
    "quasipoisson": (sm_families.Poisson, "log"),
    "Gamma": (sm_families.Gamma, "inverse"),
}
#: Each link: its statsmodels class.
LINKS: dict[str, type[sm_links.Link]] = {
    "identity": sm_links.Identity,
    "logit": sm_links.Logit,
    "probit": sm_links.Probit,
    "log": sm_links.Log,
    "cloglog": sm_links.CLogLog,
    "inverse": sm_links.InversePower,
}


@dataclass(frozen=True)
class FamilySpec:
    """A family (as R names it), its link's name and the statsmodels family object."""

    name: str
    link_name: str
    family: sm_families.Family


def family_spec(family: str, link: str | None = None) -> FamilySpec:
    """The statsmodels family for R's ``family`` and ``link`` names.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES` (``"Gamma"`` also as ``"gamma"``).
    link : str, optional
        One of :data:`LINKS`; the family's canonical link by default.

    Returns
    -------
    FamilySpec

    Raises
    ------
    OptionError
        An unknown family or link, listing the choices.

    Examples
    --------
    >>> family_spec("Gamma", "log").link_name
    'log'
    >>> family_spec("logistic")
    Traceback (most recent call last):
    micropop.errors.OptionError: unknown family 'logistic'. Choose one of ...
    """
    name = "Gamma" if family == "gamma" else family
    if not isinstance(name, str) or name not in FAMILIES:
        raise OptionError(f"unknown family {family!r}",
                          hint=f"choose one of {', '.join(FAMILIES)}")
    cls, default = FAMILIES[name]
    link_name = default if link is None else link
    if not isinstance(link_name, str) or link_name not in LINKS:
        raise OptionError(f"unknown link {link!r}", hint=f"choose one of {', '.join(LINKS)}")
    return FamilySpec(name, link_name, cls(link=LINKS[link_name]()))


def check_support(spec: FamilySpec, y: np.ndarray, rows: object) -> None:
    """Refuse a response outside the family's support, naming the rows.

    ``rows`` is the user's frame (or index) aligned with ``y``, for
    :func:`micropop.errors.data_rows`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> check_support(family_spec("poisson"), np.array([1.0, -2.0]), pd.RangeIndex(2))
    Traceback (most recent call last):
    micropop.errors.ResponseSupportError: the poisson family needs a response >= 0: ...
    """
    base = spec.name.removeprefix("quasi")
    if base == "binomial":
        bad, need = (y < 0) | (y > 1), "between 0 and 1 (a 0/1 outcome or a proportion)"
    elif base == "poisson":
        bad, need = y < 0, ">= 0"
    elif base == "Gamma":
        bad, need = y <= 0, "> 0"
    else:
        return
    if bad.any():
        raise ResponseSupportError(
            f"the {spec.name} family needs a response {need}: "
            f"{data_rows(rows, bad, y[bad])}",  # type: ignore[arg-type]
            hint="choose a family for this response or fix those values")
