"""The ``micropop`` command line.

``micropop report`` writes the HTML report (the demo analysis, or a user's
from ``--config analysis.toml``); ``micropop estimate`` prints one
design-based estimate from a data file (or a packaged data set) as a table,
CSV or JSON.

Examples
--------
>>> from micropop.cli import main
>>> main(["--version"])  # doctest: +ELLIPSIS
micropop ...
0
>>> main(["estimate", "mean", "hours_week", "--dataset", "worker_survey",
...       "--weights", "weight", "--format", "csv"])  # doctest: +ELLIPSIS
variable,estimate,se,ci_low,ci_high,df,deff,n
hours_week,2.99...
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from micropop import __version__
from micropop.errors import MicropopError

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``micropop`` command.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser().parse_args(["report", "--out", "out"]).out
    'out'
    """
    parser = argparse.ArgumentParser(
        prog="micropop",
        description="Measure hidden workforces with survey statistics: "
                    "profiles, earnings and population size of micro-workers.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    report = commands.add_parser(
        "report", help="write the HTML report (the demo analysis, or yours with --config)",
        description="Write index.html, tables (CSV) and figures (PNG, SVG) into a folder. "
                    "Without --config, the analysis of the synthetic demo data. Progress is "
                    "shown on a terminal, not when the output is piped or CI is set.")
    report.add_argument("--config", metavar="FILE",
                        help="analysis.toml: your data, design, weighting, profile, earnings "
                             "and size methods (see micropop.report.config)")
    report.add_argument("--out", default="report", metavar="DIR",
                        help="output folder (default: report)")
    report.add_argument("--lang", choices=["en", "fr"], default="en",
                        help="language of the figure labels (default: en)")
    _add_estimate_parser(commands)
    return parser


def _add_estimate_parser(commands: argparse._SubParsersAction) -> None:
    estimate = commands.add_parser(
        "estimate", help="print one design-based estimate (table, CSV or JSON)",
        description="Estimate a total, mean, ratio, quantile or proportion with its standard "
                    "error and confidence interval, as R's survey package computes them.")
    estimate.add_argument("statistic", choices=list(_STATISTICS),
                          help="what to estimate")
    estimate.add_argument("variables", nargs="+", metavar="VARIABLE",
                          help="column(s); for 'ratio': numerator then denominator")
    source = estimate.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", metavar="FILE",
                        help="survey file (csv, tsv, parquet, dta, sav, xlsx)")
    source.add_argument("--dataset", metavar="NAME",
                        help="a packaged data set, e.g. worker_survey or population_survey")
    estimate.add_argument("--codebook", metavar="FILE", help="codebook (YAML or JSON) for --data")
    estimate.add_argument("--weights", metavar="COLUMN", help="probability weights")
    estimate.add_argument("--strata", nargs="+", metavar="COLUMN", help="strata column(s)")
    estimate.add_argument("--psu", nargs="+", metavar="COLUMN",
                          help="sampling-unit column per stage")
    estimate.add_argument("--fpc", nargs="+", metavar="COLUMN",
                          help="finite population correction per stage")
    estimate.add_argument("--lonely-psu", default="fail",
                          choices=["fail", "remove", "certainty", "adjust", "average"],
                          help="policy for strata with one PSU (default: fail, as R)")
    estimate.add_argument("--by", nargs="+", metavar="COLUMN", help="domain column(s)")
    estimate.add_argument("--quantiles", nargs="+", type=float, default=[0.5], metavar="P",
                          help="probabilities for 'quantile' (default: 0.5)")
    estimate.add_argument("--level", dest="category", metavar="LEVEL",
                          help="the level counted by 'proportion'")
    estimate.add_argument("--conf-level", type=float, default=0.95,
                          help="coverage of the interval (default: 0.95)")
    estimate.add_argument("--na-rm", action="store_true",
                          help="leave out rows with missing values (R's na.rm=TRUE)")
    estimate.add_argument("--format", choices=["table", "csv", "json"], default="table",
                          help="output format (default: table)")


#: Statistic name -> how to call it on a design with the parsed arguments.
_STATISTICS = {
    "total": lambda des, a: des.total(a.variables, by=a.by, na_rm=a.na_rm),
    "mean": lambda des, a: des.mean(a.variables, by=a.by, na_rm=a.na_rm),
    "ratio": lambda des, a: des.ratio(a.variables[:-1], a.variables[-1], by=a.by,
                                      na_rm=a.na_rm),
    "quantile": lambda des, a: des.quantile(a.variables, a.quantiles, by=a.by,
                                            conf_level=a.conf_level, na_rm=a.na_rm),
    "proportion": lambda des, a: des.proportion(a.variables[0], level=a.category, by=a.by,
                                                conf_level=a.conf_level, na_rm=a.na_rm),
}


def _estimate(args: argparse.Namespace) -> str:
    """Run ``micropop estimate`` and return its output text."""
    from micropop import datasets
    from micropop.design import SurveyDesign
    from micropop.io import read_survey

    if args.dataset:
        data = datasets.load(args.dataset)
    else:
        data = read_survey(args.data, codebook=args.codebook)
    if args.statistic == "ratio" and len(args.variables) < 2:
        raise MicropopError("'ratio' needs a numerator and a denominator",
                            hint="e.g. micropop estimate ratio earnings_month hours_week ...")
    des = SurveyDesign(data, weights=args.weights, strata=args.strata, psu=args.psu,
                       fpc=args.fpc, lonely_psu=args.lonely_psu)
    table = _STATISTICS[args.statistic](des, args).to_frame(level=args.conf_level)
    if args.format == "csv":
        return table.to_csv(lineterminator="\n").rstrip("\n")
    if args.format == "json":
        return table.reset_index().to_json(orient="records", indent=1)
    with pd.option_context("display.width", 120, "display.max_columns", None):
        return table.to_string()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success, 1 on a :class:`~micropop.errors.MicropopError`
        (printed to standard error), 2 on a usage error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"micropop {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "report":
            from micropop.report import write_report
            from micropop.report.config import load_config

            plan = load_config(args.config) if args.config else None
            path = write_report(args.out, plan, lang=args.lang)
            print(f"wrote {path}")
        else:
            print(_estimate(args))
    except MicropopError as err:
        print(f"micropop: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    sys.exit(main())
