"""Figures of who the workers are: shares against a reference, the age-sex pyramid."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.axes import Axes

from micropop.errors import FigureInputError, describe_rows, not_found
from micropop.plotting._inputs import drawable, interval_table, row_name
from micropop.plotting._style import COLOURS, draws, house_style, new_axes, translate

if TYPE_CHECKING:
    from micropop.estimation.result import Estimate
    from micropop.profile import Profile
    from micropop.reference.distribution import Reference

#: The French shares a pyramid is drawn over: the INSEE table, or shares by sex.
_PyramidReference = pd.DataFrame | Mapping[str, "pd.Series | Reference"]

__all__ = ["profile_dots", "pyramid"]


@draws
def profile_dots(profile: Profile, ax: Axes | None = None, lang: str = "en",
                 labels: Mapping[str, Mapping[Any, str]] | None = None) -> Axes:
    """Dot plot of the workers' shares with intervals, against the reference shares.

    One row per variable and level (first at the top): a dot at the share,
    a line for its interval, and a hollow diamond at the reference share; all
    in percent.

    Parameters
    ----------
    profile : micropop.profile.Profile
        Made by :func:`micropop.profile` *with* references and without
        ``by=`` (``to_frame()`` columns ``share``, ``ci_low``, ``ci_high``,
        ``reference_share``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.
    labels : mapping, optional
        Variable -> {level: label shown}, e.g. a codebook's value labels in
        ``lang`` (a level without one is shown as it is).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    FigureInputError
        Not a Profile, a profile with domains (``by=``), or a variable
        without reference shares (named).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> from micropop.profile import insee_population
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> prof = mp.profile(des, ["sex"], reference={"sex": insee_population("sex", ages=(18, 74))})
    >>> ax = profile_dots(prof, ax=Figure().subplots())
    >>> [round(float(x), 1) for x in ax.lines[0].get_xdata()]
    [56.1, 43.9]
    >>> ax = profile_dots(prof, ax=Figure().subplots(), labels={"sex": {"female": "Femme"}})
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Femme', 'male']
    """
    from micropop.profile import Profile

    if not isinstance(profile, Profile):
        raise FigureInputError(f"profile_dots() needs a Profile, not {type(profile).__name__}",
                               hint="pass the result of mp.profile(design, ..., reference=...)")
    table = profile.to_frame()
    if "domain" in table.columns:
        raise FigureInputError("profile_dots() draws a profile without domains (by=)",
                               hint="make the profile without by=, or one per domain with "
                                 "design.subset(...)")
    lacking = list(dict.fromkeys(table.loc[table["reference_share"].isna(), "variable"]))
    if lacking:
        raise FigureInputError(f"the profile has no reference shares for "
                               f"{', '.join(map(repr, lacking))}",
                               hint="pass reference={variable: insee_population(...)} to "
                                 "mp.profile")
    drawable(table.set_index(["variable", "level"]),
             ["share", "ci_low", "ci_high", "reference_share"], "the profile",
             "pass the result of mp.profile(design, ..., reference=...)")
    ax = new_axes(ax)
    positions = list(range(len(table)))[::-1]
    share = 100 * table["share"].to_numpy(dtype=float)
    ax.plot(share, positions, "o", color=COLOURS["main"], label=translate(lang, "workers"),
            zorder=3)
    ax.hlines(positions, 100 * table["ci_low"].to_numpy(dtype=float),
              100 * table["ci_high"].to_numpy(dtype=float), color=COLOURS["main"],
              linewidth=2, label=translate(lang, "interval"))
    ax.plot(100 * table["reference_share"].to_numpy(dtype=float), positions, "D",
            markerfacecolor="white", markeredgecolor=COLOURS["reference"], markeredgewidth=1.5,
            color=COLOURS["reference"], label=translate(lang, "france"), zorder=4)
    several = table["variable"].nunique() > 1
    names = labels or {}
    shown = [names.get(v, {}).get(lv, lv) for v, lv in zip(table["variable"], table["level"],
                                                           strict=True)]
    ax.set_yticks(positions, [f"{v}: {lv}" if several else str(lv)
                              for v, lv in zip(table["variable"], shown, strict=True)])
    for k in range(1, len(table)):
        if table["variable"].iloc[k] != table["variable"].iloc[k - 1]:
            ax.axhline(positions[k] + 0.5, color=COLOURS["grid"], linewidth=1.2)
    ax.set_xlim(left=0)
    ax.set_xlabel(translate(lang, "profile_x"))
    ax.set_title(translate(lang, "profile_title"))
    ax.legend(loc="lower right", frameon=False)
    house_style(ax, grid="x")
    return ax


_SEXES = {"male": ("male", "men", "m", "hommes", "homme"),
          "female": ("female", "women", "f", "femmes", "femme")}


def _sex_key(value: object) -> str | None:
    text = str(value).strip().lower()
    return next((key for key, names in _SEXES.items() if text in names), None)


def _pyramid_workers(workers: Estimate | pd.DataFrame) -> pd.DataFrame:
    """Tidy workers table: columns sex (male/female), age_band, share, ci_low, ci_high."""
    hint = ("pass des.mean('age_band', by='sex') or a table with columns sex, age_band, "
            "share[, ci_low, ci_high]")
    if isinstance(workers, pd.DataFrame):
        table = workers.copy()
        missing = [c for c in ("sex", "age_band", "share") if c not in table.columns]
        if missing:
            message, listing = not_found(missing, table.columns, "the workers table")
            raise FigureInputError(message, hint=f"{hint} ({listing})")
        given = [c for c in ("ci_low", "ci_high") if c in table.columns]
        if len(given) == 1:
            raise FigureInputError(f"the workers table has {given[0]} without its other end",
                                   hint="give both ci_low and ci_high, or neither")
    else:
        frame = interval_table(workers, "the workers estimate", hint)
        names = list(frame.index.names)
        if "level" not in names or "domain" not in names:
            raise FigureInputError("the workers estimate needs age bands as levels and sex as "
                                   "the domain", hint=hint)
        table = pd.DataFrame({"age_band": frame.index.get_level_values("level").astype(str),
                              "sex": frame.index.get_level_values("domain").astype(str),
                              "share": frame["estimate"].to_numpy(dtype=float),
                              "ci_low": frame["ci_low"].to_numpy(dtype=float),
                              "ci_high": frame["ci_high"].to_numpy(dtype=float)})
    sexes = [_sex_key(v) for v in table["sex"]]
    unknown = [v for v, key in zip(table["sex"], sexes, strict=True) if key is None]
    if unknown:
        raise FigureInputError(f"the workers' sex levels {', '.join(map(repr, unknown[:5]))} "
                               "are not male/female", hint=hint)
    table["sex"] = sexes
    table["age_band"] = table["age_band"].astype(str)
    table = table.set_index(["sex", "age_band"])
    twice = table.index.duplicated()
    if twice.any():
        rows = describe_rows([row_name(key) for key in table.index[twice]])
        raise FigureInputError(f"the workers table has {rows} twice",
                               hint="give one row per sex and age band")
    drawable(table, ["share"] + [c for c in ("ci_low", "ci_high") if c in table.columns],
             "the workers table", hint)
    return table.reset_index()


def _pyramid_reference(reference: _PyramidReference, bands: list[str]) -> dict[str, pd.Series]:
    """Reference shares by band within each sex, over the workers' bands."""
    hint = ("pass datasets.load_reference('insee_rp2018_sex_age') or a mapping "
            "{'male': shares, 'female': shares} (Series or Reference by age band)")
    if isinstance(reference, pd.DataFrame):
        missing = [c for c in ("age_band", "men", "women") if c not in reference.columns]
        if missing:
            message, listing = not_found(missing, reference.columns, "the reference table")
            raise FigureInputError(message, hint=f"{hint} ({listing})")
        indexed = reference.set_index(reference["age_band"].astype(str))
        counts = {"male": indexed["men"], "female": indexed["women"]}
        names = {"male": "men", "female": "women"}
    elif hasattr(reference, "items"):
        counts, names = {}, {}
        for key, value in reference.items():
            sex = _sex_key(key)
            if sex is None:
                raise FigureInputError(f"reference key {key!r} is not a sex", hint=hint)
            counts[sex] = pd.Series(getattr(value, "shares", value)).rename(index=str)
            names[sex] = repr(key)
    else:
        raise FigureInputError(f"the reference must be a table or a mapping, not "
                               f"{type(reference).__name__}", hint=hint)
    shares = {}
    for sex in ("male", "female"):
        if sex not in counts:
            raise FigureInputError(f"the reference has no {sex} counts", hint=hint)
        absent = [b for b in bands if b not in counts[sex].index]
        if absent:
            raise FigureInputError(f"the reference has no age band {', '.join(absent)}",
                                   hint=hint)
        twice = counts[sex].index.duplicated()
        if twice.any():
            raise FigureInputError(f"the reference has age band(s) "
                                   f"{', '.join(counts[sex].index[twice])} twice", hint=hint)
        kept = drawable(counts[sex].reindex(bands).to_frame(names[sex]), [names[sex]],
                        "the reference", hint)[names[sex]].astype(float)
        if (kept < 0).any() or not kept.sum() > 0:
            raise FigureInputError(f"the reference counts of {names[sex]} are negative or "
                                   "add up to 0 over the workers' age bands", hint=hint)
        shares[sex] = kept / kept.sum()
    return shares


@draws
def pyramid(workers: Estimate | pd.DataFrame, reference: _PyramidReference,
            ax: Axes | None = None, lang: str = "en") -> Axes:
    """Age-sex pyramid of workers drawn over the French one.

    Men to the left, women to the right, youngest band at the bottom. The
    workers' shares are filled bars with their intervals; the French shares
    are outlined steps on top. Both sides show **shares of each sex** (the
    bands of one sex add up to 100 %), the denominator of
    ``des.mean("age_band", by="sex")``.

    Input contract:

    - ``workers``: an Estimate whose index has ``level`` = age band and
      ``domain`` = sex (``des.mean("age_band", by="sex")``), or a tidy
      DataFrame with columns ``sex``, ``age_band``, ``share`` and optionally
      ``ci_low``, ``ci_high``. Drawn as given.
    - ``reference``: the INSEE table
      ``datasets.load_reference("insee_rp2018_sex_age")`` (columns
      ``age_band``, ``men``, ``women``: counts), or a mapping
      ``{"male": ..., "female": ...}`` of Series or
      :class:`~micropop.profile.Reference` (e.g.
      ``insee_population("age_band", ages=(18, 74), sex="men")``, which
      pro-rates a band cut by the age range). As a presentation step only, the
      reference is restricted to the workers' bands and each sex's counts are
      divided by that sex's total over those bands. With the raw INSEE table a
      band such as 15-19 counts all its years; pass ``insee_population``
      references when the survey covers part of a band.

    Sex levels may be ``male``/``female`` or ``men``/``women``.

    Parameters
    ----------
    workers : Estimate or DataFrame
    reference : DataFrame or mapping
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    lang : {"en", "fr"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes
        Bar widths are the workers' shares in percent, negative for men.

    Raises
    ------
    FigureInputError
        A missing column, sex or age band (named).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import micropop as mp
    >>> des = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    >>> est = des.mean("age_band", by="sex")
    >>> france = mp.datasets.load_reference("insee_rp2018_sex_age")
    >>> ax = pyramid(est, france, ax=Figure().subplots())
    >>> ax.get_yticklabels()[0].get_text()
    '15-19'
    >>> round(float(ax.patches[0].get_width()), 2)  # men aged 15-19 (18-19), in %
    -3.54
    """
    table = _pyramid_workers(workers)
    bands = list(dict.fromkeys(table["age_band"]))
    ref = _pyramid_reference(reference, bands)
    ax = new_axes(ax)
    y = {band: k for k, band in enumerate(bands)}
    edges = [k - 0.5 for k in range(len(bands) + 1)]
    for sex, sign in (("male", -1), ("female", 1)):
        part = table[table["sex"] == sex]
        ys = [y[b] for b in part["age_band"]]
        share = 100 * part["share"].to_numpy(dtype=float)
        ax.barh(ys, sign * share, height=0.8, color=COLOURS["main"],
                alpha=1.0 if sex == "female" else 0.7,
                label=f"{translate(lang, 'workers')} ({translate(lang, sex)})")
        if "ci_low" in part.columns:
            ax.hlines(ys, sign * 100 * part["ci_low"].to_numpy(dtype=float),
                      sign * 100 * part["ci_high"].to_numpy(dtype=float), color="black",
                      linewidth=1.2)
        values = 100 * ref[sex].to_numpy()
        ax.stairs(sign * values, edges, orientation="horizontal", baseline=None,
                  color=COLOURS["reference"], linewidth=2,
                  label=translate(lang, "france") if sex == "female" else None)
    drawn = [c for c in ("share", "ci_high") if c in table.columns]
    widest = max(100 * table[drawn].to_numpy(dtype=float).max(),
                 *(100 * s.max() for s in ref.values()))
    limit = widest * 1.15
    ax.set_xlim(-limit, limit)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.text(0.02, 1.0, translate(lang, "male"), transform=ax.transAxes, ha="left",
            va="top", fontweight="bold")
    ax.text(0.98, 1.0, translate(lang, "female"), transform=ax.transAxes, ha="right",
            va="top", fontweight="bold")
    ax.set_yticks(list(range(len(bands))), bands)
    ax.set_ylim(-0.6, len(bands) + 0.6)
    ax.xaxis.set_major_formatter(lambda x, _: f"{abs(x):g}")
    ax.set_xlabel(translate(lang, "pyramid_x"))
    ax.set_ylabel(translate(lang, "pyramid_y"))
    ax.set_title(translate(lang, "pyramid_title"))
    ax.legend(loc="lower right", frameon=False, fontsize=8.5)
    house_style(ax, grid="x")
    return ax
