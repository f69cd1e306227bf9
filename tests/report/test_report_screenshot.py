"""The report page opened in headless Chromium: the screenshot shows the figures.

Parsing the HTML (tests/report/test_cli_report.py) proves every image is referenced
and exists; only a browser proves the page renders them. The test needs
Debian's ``chromium`` (``apt-get install -y chromium``) and is skipped,
saying so, where it is absent, unless ``MICROPOP_REQUIRE_BROWSER`` is set (``.ci/run``
installs chromium and sets it): there an absent browser fails the test.
"""

import os
import shutil
import subprocess
from html.parser import HTMLParser

import matplotlib.image
import numpy as np
import pytest

import micropop as mp
from micropop.plotting import COLOURS
from micropop.report import ReportPlan, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None and os.environ.get("MICROPOP_REQUIRE_BROWSER"):
    raise RuntimeError("MICROPOP_REQUIRE_BROWSER is set but Debian's chromium is not "
                       "installed (apt-get install -y chromium)")

pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Debian's chromium is not installed (apt-get install -y "
                                       "chromium); the HTML checks of test_cli_report still run")


def _screenshot(page, folder):
    shot = folder / "shot.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    f"--user-data-dir={folder / 'profile'}", f"--screenshot={shot}",
                    "--window-size=1280,3000", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return (matplotlib.image.imread(shot)[..., :3] * 255).round().astype(int)


def _reference_pixels(pixels):
    """Pixels of the figures' reference colour (France's diamonds).

    The page's CSS barely uses that colour.
    """
    target = np.array([int(COLOURS["reference"][i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - target).max(axis=-1) < 6).sum())


def test_report_page_renders_its_figures(tmp_path):
    workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    index = write_report(tmp_path / "report", ReportPlan(workers=workers, earnings=None,
                                                         compare_with_france=True))
    pixels = _screenshot(index, tmp_path)
    assert pixels.shape[:2] == (3000, 1280)
    assert (pixels.sum(axis=-1) < 750).mean() > 0.03  # not a blank page
    without_figures = index.with_name("text_only.html")
    text = index.read_text(encoding="utf-8")
    without_figures.write_text(
        "".join(part.split(">", 1)[1] if i else part
                for i, part in enumerate(text.split("<img"))), encoding="utf-8")
    drawn = _reference_pixels(pixels)
    assert drawn > 1000  # the census diamonds of the figures
    assert drawn > 10 * _reference_pixels(_screenshot(without_figures, tmp_path))


class _Headings(HTMLParser):
    """The texts of a page's headings (h1, h2, h3)."""

    def __init__(self):
        super().__init__()
        self.texts, self._open = [], False

    def handle_starttag(self, tag, attrs):
        self._open = tag in ("h1", "h2", "h3")
        if self._open:
            self.texts.append("")

    def handle_endtag(self, tag):
        self._open = False

    def handle_data(self, data):
        if self._open:
            self.texts[-1] += data


def _headings(text):
    parser = _Headings()
    parser.feed(text)
    return [" ".join(t.split()) for t in parser.texts if t.strip()]


def _dom(page, folder):
    """The page as the browser rendered it (its DOM after loading)."""
    out = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-quic", "--no-first-run", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={folder / 'dom-profile'}", "--dump-dom",
                          page.as_uri()],
                         capture_output=True, timeout=120, check=True, text=True)
    return out.stdout


def test_french_report_in_the_browser_has_no_english_heading(tmp_path):
    workers = mp.SurveyDesign(mp.datasets.load_worker_survey(), weights="weight")
    plan = ReportPlan(workers=workers, compare_with_france=True)
    english = write_report(tmp_path / "en", plan, progress=False)
    french = write_report(tmp_path / "fr", plan, lang="fr", progress=False)
    dom = _dom(french, tmp_path)
    assert '<html lang="fr">' in dom
    shown = _headings(dom)
    assert "Qui sont les travailleurs" in shown and "Sommaire" in shown
    left = set(_headings(english.read_text(encoding="utf-8"))) & set(shown)
    assert not left, f"English headings in the French page: {sorted(left)}"
    pixels = _screenshot(french, tmp_path)
    assert (pixels.sum(axis=-1) < 750).mean() > 0.03  # the French page renders, not blank
