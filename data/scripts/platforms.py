"""Platform table ``data/platforms.csv`` (ILLUSTRATIVE per-platform figures).

DiPLab (Le Ludec, Tubaro & Casilli 2019, arXiv:1901.03889) did not publish
its per-platform inputs. Only the aggregates are public: 23 platforms active
in France (14 French); the casual circle (266,126) sums the registrations
declared by seven platforms, the regular circle (52,337) uses unique monthly
visitors from France, the very-active circle (14,903) weekly activity; each
sum is divided by the multi-homing factor 1.27.

The per-platform numbers below are therefore **illustrative**, chosen by hand
so that the column sums divided by 1.27 give back the published aggregates:

* registrations declared by 7 platforms: 337,980 (/1.27 = 266,126)
* unique monthly visitors from France:   66,468 (/1.27 = 52,337)
* weekly active users, where known:      18,927 (/1.27 = 14,903)

Platform names and countries are real (the names quoted in the DiPLab
papers); the five non-named rows stand for the French paid-survey and
"get paid to" sites, anonymised because no figure of theirs is public.
Nothing here is random; ``seed`` is kept for the common signature.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

__all__ = ["generate", "PLATFORMS", "MULTIHOMING", "PUBLISHED"]

#: Multi-homing divisor used by DiPLab (mean number of platforms per worker).
MULTIHOMING = 1.27

#: Published aggregates (Le Ludec, Tubaro & Casilli 2019).
PUBLISHED = {"casual": 266126, "regular": 52337, "very_active": 14903,
             "platforms_active": 23, "platforms_french": 14, "platforms_declaring": 7}

REFERENCE = ("Le Ludec, Tubaro & Casilli (2019), How many people microwork in France?, "
             "arXiv:1901.03889")
ILLUSTRATIVE = "illustrative"

# platform_id (snake_case; also the 0/1 column of the worker survey),
# display name, country of origin, french (0/1), accounts registered in France
# (None = not declared), unique monthly visitors from France, weekly active
# from France (None = not known), note.
PLATFORMS = [
    ("foule_factory", "Foule Factory (Wirk)", "France", 1, 50000, 9500, 3100,
     "French micro-task platform; the DiPLab worker survey recruited its respondents here"),
    ("clickworker", "Clickworker", "Germany", 0, 60000, 8200, 2500, ""),
    ("amazon_mechanical_turk", "Amazon Mechanical Turk", "United States", 0, 8000, 1900, 700,
     ""),
    ("appen", "Appen", "Australia", 0, 25000, 4100, 1300, ""),
    ("microworkers", "Microworkers", "United States", 0, 20000, 3300, 1150, ""),
    ("fr_paid_survey_a", "French paid-survey site A (anonymised)", "France", 1, 110000,
     17500, 5900, "stands for a French paid-survey site; name withheld"),
    ("fr_get_paid_to_b", "French get-paid-to site B (anonymised)", "France", 1, 64980,
     11200, 4277, "stands for a French 'get paid to' site; name withheld"),
    ("fr_paid_survey_c", "French paid-survey site C (anonymised)", "France", 1, None, 5400,
     None, "registrations not declared; web traffic only"),
    ("fr_get_paid_to_d", "French get-paid-to site D (anonymised)", "France", 1, None, 3600,
     None, "registrations not declared; web traffic only"),
    ("fr_microtask_e", "French micro-task site E (anonymised)", "France", 1, None, 1768,
     None, "registrations not declared; web traffic only"),
]


def _status(value: int | None) -> str:
    return "not_available" if value is None else ILLUSTRATIVE


def generate(outdir: Path, seed: int) -> list[Path]:
    """Write ``platforms.csv`` into ``outdir``.

    Parameters
    ----------
    outdir : pathlib.Path
        Destination folder.
    seed : int
        Unused (the table is fixed); kept for the common signature.

    Returns
    -------
    list of pathlib.Path
        The file written.
    """
    header = ["platform_id", "platform", "country", "french",
              "accounts_fr", "accounts_fr_status",
              "monthly_visitors_fr", "monthly_visitors_fr_status",
              "weekly_active_fr", "weekly_active_fr_status",
              "source", "note"]
    source = (f"illustrative: per-platform inputs were not published; figures chosen so that "
              f"column totals / {MULTIHOMING} equal the published circles "
              f"({PUBLISHED['casual']:,} / {PUBLISHED['regular']:,} / "
              f"{PUBLISHED['very_active']:,}) of {REFERENCE}")
    rows = []
    for pid, name, country, french, acc, vis, wk, note in PLATFORMS:
        rows.append([pid, name, country, french,
                     "" if acc is None else acc, _status(acc),
                     vis, _status(vis),
                     "" if wk is None else wk, _status(wk),
                     source, note])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path = Path(outdir) / "platforms.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return [path]
