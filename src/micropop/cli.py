"""The ``micropop`` command line.

Examples
--------
>>> from micropop.cli import main
>>> main(["--version"])  # doctest: +ELLIPSIS
micropop ...
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
        "report", help="write the HTML report (on the synthetic demo data)",
        description="Write index.html, tables (CSV) and figures (PNG, SVG) into a folder.")
    report.add_argument("--out", default="report", metavar="DIR",
                        help="output folder (default: report)")
    report.add_argument("--lang", choices=["en", "fr"], default="en",
                        help="language of the figure labels (default: en)")
    return parser


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

            path = write_report(args.out, lang=args.lang)
            print(f"wrote {path}")
    except MicropopError as err:
        print(f"micropop: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    sys.exit(main())
