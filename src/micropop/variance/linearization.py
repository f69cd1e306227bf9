"""Taylor-linearisation variance for stratified multistage designs.

This is R ``survey``'s ``svyrecvar`` (``multistage``/``onestage``/``onestrat``)
written with group sums instead of a loop over strata and PSUs: the variance
of an estimator is the design variance of the total of its influence values
``z`` (one row per observation, one column per statistic).

At each stage, within stratum ``h`` with ``n_h`` sampled units out of
``N_h``, the unit totals ``t_hj`` of ``z`` give

    V_h = f_h * n_h / (n_h - 1) * sum_j (t_hj - tbar_h)(t_hj - tbar_h)'

with ``f_h = (N_h - n_h) / N_h`` (1 without fpc). Later stages (only when an
fpc is given and ``ultimate_cluster`` is False, as in R) add their own
``V_h`` multiplied by the sampling fractions ``n/N`` of every earlier stage.

Examples
--------
>>> import numpy as np
>>> from micropop.variance.linearization import Stage, linearized_vcov
>>> stage = Stage.build(strata=np.zeros(4, dtype=np.intp),
...                     cluster=np.arange(4), popsize=None,
...                     strata_labels=["all"])
>>> z = np.array([[1.0], [2.0], [3.0], [6.0]])
>>> float(linearized_vcov(z, [stage])[0, 0])  # 4/3 * sum((z - 3)^2)
18.666666666666664
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from micropop.errors import LonelyPSUError
from micropop.variance.lonely import ADJUST_POLICIES, adjust_centre

__all__ = ["LONELY_PSU_POLICIES", "Stage", "UnitTotals", "linearized_vcov", "stage_totals",
           "unit_totals", "variance_stages", "vcov_from_totals"]

#: The lonely-PSU policies of R's ``options(survey.lonely.psu=)``; "adjust"
#: as survey >= 4.4, "adjust_legacy" as survey <= 4.2 (see :mod:`.lonely`).
LONELY_PSU_POLICIES = ("fail", "remove", "certainty", "adjust", "average", "adjust_legacy")

# R treats a stratum whose sampling fraction is this close to 1 as a census.
_CENSUS_TOL = 1e-7


@dataclass(frozen=True, eq=False)
class Stage:
    """One sampling stage, encoded as integer codes.

    Attributes
    ----------
    strata : ndarray of intp, shape (n,)
        Stratum code of each row at this stage (``0 .. H-1``).
    cluster : ndarray of intp, shape (n,)
        Code of the sampled unit holding each row (``0 .. C-1``), unique across
        strata (units are nested in strata).
    cluster_stratum : ndarray of intp, shape (C,)
        Stratum code of each unit.
    n_units : ndarray of int, shape (H,)
        Units sampled in each stratum (R's ``fpc$sampsize``).
    popsize : ndarray of float, shape (H,), or None
        Population units in each stratum; None when sampled with replacement.
    stratum_parent : ndarray of intp, shape (H,), or None
        For a later stage, the unit of the previous stage that holds each
        stratum; None at the first stage.
    strata_labels : sequence of str
        A readable name for each stratum, for error messages.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage
    >>> stage = Stage.build(strata=np.array([0, 0, 1, 1, 1]),
    ...                     cluster=np.array([0, 1, 2, 2, 3]), popsize=None,
    ...                     strata_labels=["north", "south"])
    >>> stage.cluster_stratum.tolist(), stage.n_units.tolist()
    ([0, 0, 1, 1], [2, 2])
    """

    strata: np.ndarray
    cluster: np.ndarray
    cluster_stratum: np.ndarray
    n_units: np.ndarray
    popsize: np.ndarray | None
    stratum_parent: np.ndarray | None
    strata_labels: Sequence[str]

    @classmethod
    def build(cls, strata: np.ndarray, cluster: np.ndarray, popsize: np.ndarray | None,
              strata_labels: Sequence[str], parent: np.ndarray | None = None) -> Stage:
        """Derive unit counts and the unit-to-stratum map from row codes.

        Parameters
        ----------
        strata, cluster : ndarray of int, shape (n,)
            Dense codes; ``cluster`` must be nested in ``strata``.
        popsize : ndarray, shape (H,), or None
            Population units per stratum.
        strata_labels : sequence of str
            Names of the strata, by code.
        parent : ndarray of int, shape (n,), optional
            Previous-stage unit of each row (nested: one per stratum).

        Returns
        -------
        Stage
            The stage, its arrays read-only.

        Examples
        --------
        >>> import numpy as np
        >>> from micropop.variance.linearization import Stage
        >>> stage = Stage.build(np.array([0, 0, 1]), np.array([0, 1, 2]),
        ...                     np.array([10.0, 4.0]), ["a", "b"])
        >>> stage.n_units.tolist(), stage.fpc_factor.tolist()
        ([2, 1], [0.8, 0.75])
        """
        n_clusters = int(cluster.max()) + 1 if cluster.size else 0
        cluster_stratum = np.zeros(n_clusters, dtype=np.intp)
        cluster_stratum[cluster] = strata
        n_units = np.bincount(cluster_stratum, minlength=len(strata_labels))
        stratum_parent = None
        if parent is not None:
            stratum_parent = np.zeros(len(strata_labels), dtype=np.intp)
            stratum_parent[strata] = parent
        return cls(_readonly(strata), _readonly(cluster), _readonly(cluster_stratum),
                   _readonly(n_units), None if popsize is None else _readonly(popsize),
                   None if stratum_parent is None else _readonly(stratum_parent),
                   tuple(strata_labels))

    def with_popsize(self, popsize: np.ndarray) -> Stage:
        """The same stage with population units per stratum (its fpc).

        Parameters
        ----------
        popsize : ndarray, shape (H,)
            Population units in each stratum.

        Returns
        -------
        Stage
            A copy; ``self`` is unchanged.

        Examples
        --------
        >>> import numpy as np
        >>> from micropop.variance.linearization import Stage
        >>> stage = Stage.build(np.zeros(2, dtype=np.intp), np.arange(2), None, ["all"])
        >>> stage.with_popsize(np.array([8.0])).sampling_fraction.tolist()
        [0.25]
        """
        return replace(self, popsize=_readonly(np.asarray(popsize, dtype=float)))

    @property
    def sampling_fraction(self) -> np.ndarray:
        """``n_h / N_h`` per stratum (0 without fpc, as R's infinite population)."""
        if self.popsize is None:
            return np.zeros(len(self.n_units))
        fraction: np.ndarray = self.n_units / self.popsize
        return fraction

    @property
    def fpc_factor(self) -> np.ndarray:
        """``f_h = (N_h - n_h) / N_h`` per stratum (1 without fpc)."""
        return 1.0 - self.sampling_fraction


def linearized_vcov(values: np.ndarray, stages: Sequence[Stage], lonely_psu: str = "fail",
                    ultimate_cluster: bool = False, row_domain: np.ndarray | None = None,
                    n_domains: int = 1, adjust_domain_lonely: bool = False) -> np.ndarray:
    """Covariance matrix of influence totals, as R's svyrecvar.

    The composition of the two halves of the variance: :func:`stage_totals`
    (rows to sums per sampled unit of each stage) and :func:`vcov_from_totals`
    (unit sums to the covariance). An engine that holds the rows elsewhere
    (in partitions) computes the unit sums its own way and shares the second.

    Parameters
    ----------
    values : ndarray, shape (n, p)
        Influence values: the weighted, linearised contribution of each row
        to each statistic.
    stages : sequence of Stage
        The sampling stages, first to last.
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average", "adjust_legacy"}
        R's ``survey.lonely.psu`` policy for a stratum with one sampled unit;
        "adjust" centres it as survey >= 4.4, "adjust_legacy" as <= 4.2
        (:mod:`micropop.variance.lonely`).
    ultimate_cluster : bool, default False
        Use the first stage only (R's ``survey.ultimate.cluster``). Later
        stages count only when every stage has an fpc, as in R.
    row_domain : ndarray of int, shape (n,), optional
        Domain code of each row, ``0 .. n_domains-1``, or -1 for a row in no
        domain (it counts as zero). Default: every row in domain 0.
    n_domains : int, default 1
        Number of domains. Each column of ``values`` gives one statistic per
        domain: column ``j`` in domain ``k`` is statistic ``j * n_domains + k``.
        Which strata a domain reaches matters to the "fail" and "average"
        policies, as in R, where a domain is a subset of the design.
    adjust_domain_lonely : bool, default False
        R's ``survey.adjust.domain.lonely``: under either "adjust" or "average", a
        domain that meets a single unit of a stratum with several is treated
        as meeting a lonely unit.

    Returns
    -------
    ndarray, shape (p * n_domains, p * n_domains)

    Raises
    ------
    LonelyPSUError
        Under ``"fail"``, when a domain reaches a stratum with one sampled unit
        (not a census), naming the strata; under ``"average"``, when every
        stratum of a group is lonely.

    Examples
    --------
    Two strata of two PSUs each; the variance of the total of ``z`` is the
    sum over strata of ``n_h / (n_h - 1) * sum_j (t_hj - tbar_h)**2``:

    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage, linearized_vcov
    >>> stage = Stage.build(np.array([0, 0, 1, 1]), np.arange(4), None, ["a", "b"])
    >>> z = np.array([[1.0], [3.0], [2.0], [6.0]])
    >>> linearized_vcov(z, [stage]).tolist()  # 2 * (1 + 1) + 2 * (4 + 4)
    [[20.0]]

    With domains, each column gives one statistic per domain:

    >>> linearized_vcov(z, [stage], row_domain=np.array([0, 0, 1, 1]), n_domains=2).tolist()
    [[4.0, 0.0], [0.0, 16.0]]
    """
    values = np.asarray(values, dtype=float)
    if row_domain is not None and n_domains == 1 and np.all(row_domain == 0):
        row_domain = None  # every row in the one domain: plain group sums
    used = variance_stages(stages, ultimate_cluster)
    totals = (stage_totals(values, stage, row_domain, n_domains) for stage in used)
    return vcov_from_totals(totals, used, lonely_psu, n_domains, adjust_domain_lonely)


@dataclass(frozen=True, eq=False)
class UnitTotals:
    """What the variance needs of the rows at one stage: sums per sampled unit.

    Attributes
    ----------
    totals : ndarray, shape (C, p * K)
        Influence values summed over the rows of each unit, column
        ``j * K + k`` for statistic j in domain k.
    held : ndarray of bool, shape (C, K), or None
        Whether the unit holds a row of each domain; None when every row is
        in the one domain.

    Notes
    -----
    This is the seam between the rows and the variance. ``C`` is the number
    of sampled units of the stage (``len(stage.cluster_stratum)``), ``K`` the
    number of domains, ``p`` the number of statistics. The table is additive
    over rows: an engine that holds the rows in partitions computes one
    table per partition (each with all ``C`` units) and reduces them by
    adding ``totals`` and or-ing ``held``; :func:`vcov_from_totals` then
    gives the same covariance as on the whole frame.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage, stage_totals
    >>> stage = Stage.build(np.zeros(4, dtype=np.intp), np.array([0, 0, 1, 1]), None, ["all"])
    >>> z = np.array([[1.0], [2.0], [3.0], [6.0]])
    >>> whole = stage_totals(z, stage)
    >>> whole.totals.tolist(), whole.held
    ([[3.0], [9.0]], None)
    >>> part = np.array([[1.0], [0.0], [1.0], [0.0]])  # two partitions of the rows
    >>> a, b = stage_totals(z * part, stage), stage_totals(z * (1 - part), stage)
    >>> (a.totals + b.totals).tolist()
    [[3.0], [9.0]]
    """

    totals: np.ndarray
    held: np.ndarray | None


def variance_stages(stages: Sequence[Stage], ultimate_cluster: bool) -> Sequence[Stage]:
    """The stages whose units enter the variance, first to last.

    All of them when every stage has an fpc and ``ultimate_cluster`` is
    False (as R's ``svyrecvar``), else the first only (the "ultimate
    cluster" approximation).

    Parameters
    ----------
    stages : sequence of Stage
        The design's sampling stages, first to last.
    ultimate_cluster : bool
        Use the first stage only (R's ``survey.ultimate.cluster``).

    Returns
    -------
    sequence of Stage
        ``stages`` or its first element: :func:`stage_totals` is taken on each
        and :func:`vcov_from_totals` expects one table per stage, in order.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage, variance_stages
    >>> first = Stage.build(np.zeros(4, dtype=np.intp), np.array([0, 0, 1, 1]),
    ...                     np.array([10.0]), ["all"])
    >>> second = Stage.build(np.array([0, 0, 1, 1]), np.arange(4), np.array([5.0, 5.0]),
    ...                      ["psu 1", "psu 2"], parent=np.array([0, 0, 1, 1]))
    >>> len(variance_stages([first, second], ultimate_cluster=False))
    2
    >>> len(variance_stages([first, second], ultimate_cluster=True))
    1
    """
    with_later_stages = not ultimate_cluster and all(s.popsize is not None for s in stages)
    return stages if with_later_stages else stages[:1]


def stage_totals(values: np.ndarray, stage: Stage, row_domain: np.ndarray | None = None,
                 n_domains: int = 1) -> UnitTotals:
    """Sums of influence ``values`` (n, p) per sampled unit of ``stage`` and domain.

    The first half of the linearised variance, the only one that reads the
    rows: a sum over rows, so additive over any partition of them (see
    :class:`UnitTotals`).

    Parameters
    ----------
    values : ndarray, shape (n, p)
        Influence values, one row per row of the design (n = ``len(stage.cluster)``).
    stage : Stage
        The stage whose units the rows are summed into.
    row_domain : ndarray of int, shape (n,), optional
        Domain code of each row (``0 .. n_domains-1``, -1: in no domain, left
        out); None: every row in the one domain.
    n_domains : int, default 1
        Number of domains K.

    Returns
    -------
    UnitTotals
        ``totals`` (C, p * K), column ``j * K + k`` summing column j over the
        rows of domain k in each of the stage's C units; ``held`` (C, K), or
        None without ``row_domain``.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage, stage_totals
    >>> stage = Stage.build(np.zeros(4, dtype=np.intp), np.array([0, 0, 1, 1]), None, ["all"])
    >>> stage_totals(np.array([[1.0], [2.0], [3.0], [6.0]]), stage).totals.tolist()
    [[3.0], [9.0]]
    """
    cells = _Cells(stage.cluster, len(stage.cluster_stratum), row_domain, n_domains)
    return UnitTotals(cells.sums(values), None if row_domain is None else cells.held())


def vcov_from_totals(totals: Iterable[UnitTotals], stages: Sequence[Stage],
                     lonely_psu: str = "fail", n_domains: int = 1,
                     adjust_domain_lonely: bool = False) -> np.ndarray:
    """The covariance of the statistics from their unit sums, stage by stage.

    The second half of the linearised variance (R's ``svyrecvar``): it reads
    only the small per-unit tables, never the rows, so that every engine
    shares it. Within each stratum h of a stage, the unit sums are centred on
    their stratum mean and their cross-products scaled by
    ``f_h * n_h / (n_h - 1)``; later stages are multiplied by the sampling
    fractions of the earlier ones. Lonely units follow ``lonely_psu``.

    Parameters
    ----------
    totals : iterable of UnitTotals
        One table per stage of ``stages``, in order, each as
        :func:`stage_totals` gives it (``totals`` (C_s, p * K), ``held``
        (C_s, K) or None). Consumed once: a generator will do.
    stages : sequence of Stage
        The stages that enter the variance (:func:`variance_stages`).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average", "adjust_legacy"}
        R's ``survey.lonely.psu`` policy, as in :func:`linearized_vcov`.
    n_domains : int, default 1
        Number of domains K of the tables.
    adjust_domain_lonely : bool, default False
        R's ``survey.adjust.domain.lonely``, as in :func:`linearized_vcov`.

    Returns
    -------
    ndarray, shape (p * K, p * K)
        The covariance of the domain totals of the influence values,
        statistic ``j * K + k`` being column j in domain k.

    Raises
    ------
    LonelyPSUError
        As :func:`linearized_vcov`.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import Stage, UnitTotals, vcov_from_totals
    >>> stage = Stage.build(np.zeros(4, dtype=np.intp), np.arange(4), None, ["all"])
    >>> units = UnitTotals(np.array([[1.0], [2.0], [3.0], [6.0]]), None)
    >>> float(vcov_from_totals([units], [stage])[0, 0])
    18.666666666666664
    """
    vcov: np.ndarray | None = None
    multiplier = np.ones(len(stages[0].n_units))
    for index, (stage, table) in enumerate(zip(stages, totals, strict=True)):
        if index > 0:
            prev = stages[index - 1]
            parent_stratum = prev.cluster_stratum[stage.stratum_parent]
            multiplier = (multiplier * prev.sampling_fraction)[parent_stratum]
        part = _stage_vcov(table, stage, index + 1, multiplier, lonely_psu, n_domains,
                           adjust_domain_lonely)
        if vcov is None:
            vcov = np.zeros(part.shape)
        vcov += part
    if vcov is None:
        raise ValueError("no sampling stage: a design has one at least")
    return vcov


def _stage_vcov(table: UnitTotals, stage: Stage, stage_number: int, multiplier: np.ndarray,
                lonely_psu: str, n_domains: int, adjust_domain_lonely: bool) -> np.ndarray:
    """One stage's contribution: R's onestage summed over all its groups."""
    n_strata = len(stage.n_units)
    totals = table.totals
    stratum_totals = unit_totals(totals, stage.cluster_stratum, n_strata)
    col_domain = np.tile(np.arange(n_domains), totals.shape[1] // n_domains)
    # (H, K): how many units of stratum h hold a row of domain k (R's nsubset)
    reached_units = None if table.held is None else unit_totals(
        table.held.astype(float), stage.cluster_stratum, n_strata)

    n_h = stage.n_units.astype(float)
    f_h = stage.fpc_factor
    census = f_h < _CENSUS_TOL
    lonely = (stage.n_units == 1) & ~census
    scale = np.where(stage.n_units > 1, f_h * n_h / np.maximum(n_h - 1, 1), f_h)
    scale[census] = 0.0
    center = stratum_totals / n_h[:, None]

    present = (np.ones((n_strata, 1), dtype=bool) if reached_units is None
               else reached_units > 0)
    reached = lonely[:, None] & present
    if lonely_psu == "fail" and reached.any():
        names = [stage.strata_labels[int(h)] for h in np.flatnonzero(reached.any(axis=1))]
        raise LonelyPSUError(
            f"stratum {_quote(names)} has only one PSU at stage {stage_number}",
            hint="choose lonely_psu='remove', 'certainty', 'adjust' or 'average' "
                 "(as R's options(survey.lonely.psu=)), or merge the stratum with a neighbour")
    # R's survey.adjust.domain.lonely: a domain meeting one unit of a stratum
    # that has several is handled as a lonely unit ("adjust", "average" only)
    domain_lonely = np.zeros_like(present)
    if adjust_domain_lonely and reached_units is not None and lonely_psu in (
            *ADJUST_POLICIES, "average"):
        domain_lonely = (reached_units == 1) & ~(lonely | census)[:, None]
    if lonely_psu in ADJUST_POLICIES:
        # a lonely unit is centred on the mean of all unit totals (survey >= 4.4)
        # or on zero (survey <= 4.2) instead of its own stratum mean
        centred_at = ((lonely[:, None] & present) | domain_lonely)[:, col_domain]
        pooled = adjust_centre(stratum_totals, stage.n_units, present, _group_of_stratum(stage),
                               col_domain, lonely_psu)
        center = np.where(centred_at, pooled, center)
    else:
        scale[lonely] = 0.0

    centred = totals - center[stage.cluster_stratum]
    if lonely_psu == "average" and (reached.any() or domain_lonely.any()):
        factor = _average_factor(stage, reached | domain_lonely, present, stage_number)
        kept = ~domain_lonely[stage.cluster_stratum][:, col_domain]
        group = _group_of_stratum(stage)[stage.cluster_stratum]
        centred *= np.sqrt(factor[group][:, col_domain]) * kept
    unit_weight = (scale * multiplier)[stage.cluster_stratum]
    vcov: np.ndarray = (centred * unit_weight[:, None]).T @ centred
    return vcov


def _average_factor(stage: Stage, dropped: np.ndarray, present: np.ndarray,
                    stage_number: int) -> np.ndarray:
    """R's ``nstrat / nokstrat`` per (group, domain) for the "average" policy.

    ``dropped`` (H, K) marks the strata whose variance R sets to NA in a
    domain. A group is what one call of R's ``onestage`` sees: the whole
    sample at stage 1, one unit of the previous stage later on.
    """
    group = _group_of_stratum(stage)
    n_groups = int(group.max()) + 1
    n_strat = np.zeros((n_groups, present.shape[1]))
    n_dropped = np.zeros_like(n_strat)
    np.add.at(n_strat, group, present)
    np.add.at(n_dropped, group, present & dropped)
    n_ok = n_strat - n_dropped
    if np.any((n_ok == 0) & (n_dropped > 0)):
        raise LonelyPSUError(
            f"every stratum of a group at stage {stage_number} has a single PSU, so "
            "lonely_psu='average' has no stratum to average over",
            hint="use lonely_psu='adjust', 'remove' or 'certainty'")
    return np.divide(n_strat, n_ok, out=np.ones_like(n_strat), where=n_ok > 0)


def _group_of_stratum(stage: Stage) -> np.ndarray:
    if stage.stratum_parent is None:
        return np.zeros(len(stage.n_units), dtype=np.intp)
    return stage.stratum_parent


def unit_totals(values: np.ndarray, codes: np.ndarray, n_groups: int,
                row_domain: np.ndarray | None = None, n_domains: int = 1) -> np.ndarray:
    """Sums of the columns of ``values`` (m, p) by group and domain.

    Parameters
    ----------
    values : ndarray, shape (m, p)
        The values to sum.
    codes : ndarray of int, shape (m,)
        Group of each row, ``0 .. n_groups-1``.
    n_groups : int
        Number of groups (groups holding no row get zero sums).
    row_domain : ndarray of int, shape (m,), optional
        Domain of each row (-1: in no domain, left out); None: one domain.
    n_domains : int, default 1
        Number of domains K.

    Returns
    -------
    ndarray, shape (n_groups, p * K)
        Column ``j * K + k`` holds column j summed over the rows of domain k.

    Examples
    --------
    >>> import numpy as np
    >>> from micropop.variance.linearization import unit_totals
    >>> values = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])
    >>> unit_totals(values, np.array([0, 0, 1]), 2).tolist()
    [[3.0, 30.0], [4.0, 40.0]]
    >>> unit_totals(values, np.array([0, 0, 1]), 2, np.array([0, 1, -1]), 2).tolist()
    [[1.0, 2.0, 10.0, 20.0], [0.0, 0.0, 0.0, 0.0]]
    """
    return _Cells(codes, n_groups, row_domain, n_domains).sums(values)


class _Cells:
    """The (group, domain) cell of each row, for group sums by ``bincount``.

    Each group has ``n_domains + 1`` slots, the first for rows in no domain
    (-1), dropped from the sums; without domains the cell is the group.
    """

    def __init__(self, codes: np.ndarray, n_groups: int, row_domain: np.ndarray | None,
                 n_domains: int) -> None:
        self.n_groups, self.n_domains = n_groups, n_domains
        self.width = 1 if row_domain is None else n_domains + 1
        if row_domain is None:
            self.index = codes
        else:
            self.index = codes * self.width
            self.index += row_domain
            self.index += 1

    def _table(self, sums: np.ndarray) -> np.ndarray:
        """Slot sums as (n_groups, n_domains), without the slots of no domain."""
        table = sums.reshape(self.n_groups, self.width)
        return table if self.width == 1 else table[:, 1:]

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Column sums by cell, shape (n_groups, p * n_domains), variable-major."""
        size = self.n_groups * self.width
        out = np.empty((self.n_groups, values.shape[1] * self.n_domains))
        for j in range(values.shape[1]):
            sums = np.bincount(self.index, weights=values[:, j], minlength=size)
            out[:, j * self.n_domains:(j + 1) * self.n_domains] = self._table(sums)
        return out

    def held(self) -> np.ndarray:
        """Boolean (n_groups, n_domains): does the group hold a row of the domain?"""
        return self._table(np.bincount(self.index, minlength=self.n_groups * self.width) > 0)


def _quote(names: Sequence[str], limit: int = 5) -> str:
    text = ", ".join(repr(str(name)) for name in names[:limit])
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    array.flags.writeable = False
    return array
