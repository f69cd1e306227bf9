"""The variance seam of a design: unit sums, replicate sums and their covariances.

Every estimator ends the same way: influence values per row, summed per
sampled unit (a linearised design, :meth:`VarianceAPI.unit_totals`) or per
replicate (a replicate design, :meth:`VarianceAPI.replicate_sums`), then a
small covariance. :class:`VarianceAPI` holds that internal API as it is
declared for every design (:class:`micropop.design._core.Design` inherits
it): the design of the other kind refuses each step with a ``TypeError``
naming what it has instead, and :class:`~micropop.design.SurveyDesign` and
:class:`~micropop.design.ReplicateDesign` implement their own.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from micropop.design import SurveyDesign
>>> des = SurveyDesign(pd.DataFrame({"w": [1.0, 1.0, 2.0]}), weights="w")
>>> rep = des.replicate("jk1")
>>> des.is_replicate, rep.is_replicate, rep.replicate_sums(np.ones((3, 1))).ravel().tolist()
(False, True, [4.5, 4.5, 3.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from micropop.design._method_docs import sections_from
from micropop.variance.replicate import replicate_vcov, replicate_vcov_scaled

if TYPE_CHECKING:
    from micropop.variance.linearization import UnitTotals

__all__ = ["VarianceAPI"]


class VarianceAPI:
    """The internal variance API of every design; each kind implements its half.

    Examples
    --------
    >>> import pandas as pd
    >>> from micropop.design import SurveyDesign
    >>> from micropop.design._variance import VarianceAPI
    >>> isinstance(SurveyDesign(pd.DataFrame({"w": [1.0, 2.0]}), weights="w"), VarianceAPI)
    True
    """

    __slots__ = ()

    # --- linearisation (SurveyDesign) -----------------------------------------

    def unit_totals(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                    n_domains: int = 1) -> list[UnitTotals]:
        """Sums of influence ``values`` per sampled unit of each stage of the variance.

        A :class:`~micropop.design.SurveyDesign` sums the rows per sampled
        unit of each stage that enters the variance (the first, or every one
        under a full multistage fpc); a
        :class:`~micropop.design.ReplicateDesign` has no stages and refuses.

        Parameters
        ----------
        values : ndarray, shape (n, p)
            Influence values by row of :attr:`frame` (zeros outside the scope).
        row_domain : ndarray of int, shape (n,), optional
            Domain of each row (-1: in none); None: every row in the one domain.
        n_domains : int, default 1
            Number of domains K; statistic ``j * K + k`` is column j in domain k.

        Returns
        -------
        list of UnitTotals
            Per stage s, ``totals`` (C_s, p * K) over its C_s sampled units
            and ``held`` (C_s, K), or None without domains.

        Raises
        ------
        TypeError
            On a replicate design: its variances come from its replicate weights.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(pd.DataFrame({"psu": [1, 1, 2], "w": 1.0}), weights="w",
        ...                    psu="psu")
        >>> des.unit_totals(np.ones((3, 1)))[0].totals.ravel().tolist()
        [2.0, 1.0]
        >>> des.replicate("jk1").unit_totals(np.ones((3, 1)))
        Traceback (most recent call last):
        TypeError: a ReplicateDesign has no sampling stages: its variances come from its ...weights
        """
        raise self._not_linearised()

    @sections_from(unit_totals, "Raises")
    def vcov_from_totals(self, totals: Sequence[UnitTotals], n_domains: int = 1) -> np.ndarray:
        """The design covariance from the unit sums of :meth:`unit_totals` (R's ``svyrecvar``).

        A :class:`~micropop.design.SurveyDesign` applies its stages, fpc and
        lonely-PSU options; a :class:`~micropop.design.ReplicateDesign`
        refuses.

        Parameters
        ----------
        totals : sequence of UnitTotals
            One table per stage, as :meth:`unit_totals` gives them (or their
            sums over partitions of the rows).
        n_domains : int, default 1
            Number of domains K of the tables.

        Returns
        -------
        ndarray, shape (p * K, p * K)
            The covariance of the domain totals: statistic ``j * K + k`` is
            column j in domain k.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(pd.DataFrame({"w": [1.0, 1.0, 1.0]}), weights="w")
        >>> units = des.unit_totals(np.array([[1.0], [2.0], [6.0]]))
        >>> des.vcov_from_totals(units).tolist()  # 3 / 2 * sum of squared deviations
        [[21.0]]
        >>> des.replicate("jk1").vcov_from_totals(units)
        Traceback (most recent call last):
        TypeError: a ReplicateDesign has no sampling stages: its variances come from its ...weights
        """
        raise self._not_linearised()

    @sections_from(vcov_from_totals, "Returns", "Raises")
    @sections_from(unit_totals, "Parameters")
    def linearized_vcov(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                        n_domains: int = 1) -> np.ndarray:
        """The linearised covariance of the domain totals of influence ``values``.

        :meth:`calibrated_influence`, :meth:`unit_totals`, then
        :meth:`vcov_from_totals`, on a :class:`~micropop.design.SurveyDesign`;
        a :class:`~micropop.design.ReplicateDesign` refuses.

        Examples
        --------
        Two strata of two PSUs: only the first one's values vary.

        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> df = pd.DataFrame({"h": [1, 1, 2, 2], "w": 2.0})
        >>> des = SurveyDesign(df, weights="w", strata="h")
        >>> z = np.array([[1.0], [3.0], [4.0], [4.0]])
        >>> des.linearized_vcov(z).tolist()  # 2 / 1 * (1 + 1) + 0
        [[4.0]]
        >>> rep = des.replicate("jkn")
        >>> rep.linearized_vcov(z)
        Traceback (most recent call last):
        TypeError: a ReplicateDesign has no sampling stages: its variances come from its ...weights
        """
        raise self._not_linearised()

    def _not_linearised(self) -> TypeError:
        return TypeError(f"a {type(self).__name__} has no sampling stages: its variances "
                         "come from its replicate weights")

    # --- replicates (ReplicateDesign) ---------------------------------------------

    def replicate_sums(self, values: np.ndarray, row_domain: np.ndarray | None = None,
                       n_domains: int = 1, shift: np.ndarray | None = None) -> np.ndarray:
        """Replicate-weighted sums of ``values`` by domain, one row per replicate.

        A :class:`~micropop.design.ReplicateDesign` weights the values by each
        replicate weight and sums them per domain; a
        :class:`~micropop.design.SurveyDesign` has no replicate weights and
        refuses (make them with :meth:`~micropop.design.SurveyDesign.replicate`).

        Parameters
        ----------
        values : ndarray, shape (n, p)
            Values by row of :attr:`frame`, not yet weighted.
        row_domain : ndarray of int, shape (n,), optional
            Domain of each row (-1: in none, left out); None: every row in the one domain.
        n_domains : int, default 1
            Number of domains K.
        shift : ndarray of int, shape (n,), optional
            Divide each row's weights by ``2**shift`` first (the estimators
            scale the values up to match, so that no sum overflows; powers of
            two scale exactly).

        Returns
        -------
        ndarray, shape (R, p * K)
            Row r, column ``j * K + k``: column j weighted by replicate r,
            summed over domain k.

        Raises
        ------
        TypeError
            On a linearised design: it has no replicate weights.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> des = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 6.0], "w": 1.0}), weights="w")
        >>> des.replicate("jk1").replicate_sums(np.array([[1.0], [2.0], [6.0]])).ravel().tolist()
        [12.0, 10.5, 4.5]
        >>> des.replicate_sums(np.ones((3, 1)))
        Traceback (most recent call last):
        TypeError: a SurveyDesign has no replicate weights
        """
        raise TypeError(f"a {type(self).__name__} has no replicate weights")

    def replicate_vcov(self, thetas: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """The covariance of ``estimate`` (q,) from its replicates ``thetas`` (R, q).

        Parameters
        ----------
        thetas : ndarray, shape (R, q)
        estimate : ndarray, shape (q,)
            The replicate and full-sample estimates.

        Returns
        -------
        ndarray, shape (q, q)
            R's ``svrVar`` under the design's scale, rscales and mse (replicates only).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> rep = SurveyDesign(pd.DataFrame({"w": [1.0] * 3}), weights="w").replicate("jk1")
        >>> rep.replicate_vcov(np.array([[1.0], [2.0], [3.0]]), np.array([2.0])).round(6)
        array([[1.333333]])
        """
        return replicate_vcov(thetas, estimate, *self._replicate_scales())

    def replicate_vcov_scaled(self, thetas: np.ndarray, estimate: np.ndarray,
                              scaled: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`replicate_vcov` in units: the covariance is ``vcov * 2**(e_i + e_j)``.

        Parameters
        ----------
        thetas : ndarray, shape (R, q)
        estimate : ndarray, shape (q,)
        scaled : bool, default True
            As :func:`micropop.variance.replicate.replicate_vcov_scaled`.

        Returns
        -------
        tuple of (ndarray, ndarray)
            ``vcov`` (q, q) and the exponents ``e`` (q,) of int.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from micropop.design import SurveyDesign
        >>> rep = SurveyDesign(pd.DataFrame({"w": [1.0] * 3}), weights="w").replicate("jk1")
        >>> rep.replicate_vcov_scaled(np.array([[1.0], [3.0], [5.0]]), np.array([3.0]))
        (array([[0.33333333]]), array([2]))
        """
        return replicate_vcov_scaled(thetas, estimate, *self._replicate_scales(),
                                     scaled=scaled)

    def _replicate_scales(self) -> tuple[float, np.ndarray, bool]:
        raise TypeError(f"a {type(self).__name__} has no replicate weights")

    # --- degrees of freedom -------------------------------------------------------

    def domain_degf(self, row_domain: np.ndarray, n_domains: int) -> np.ndarray:
        """R's degf of each domain as a subset of the design, (K,) floats.

        ``row_domain`` (n,) gives each row's domain (-1: none).
        """
        raise NotImplementedError

