"""The annual report's standalone HTML page opened in a real browser (headless Chromium, Debian's
`chromium-headless-shell`, installed by `.ci/run`): with every network access refused, the page
renders its headings, tables and both charts (printed to PDF, then read back with poppler), and
the DOM the browser built keeps each chart's text alternative."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import yaml
from conftest import EXAMPLES, plain

from ptms_cli.documents.formatting import money

pytestmark = pytest.mark.slow

BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")
OFFLINE = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--disable-background-networking"]


def browser() -> str:
    """Chromium's path; the test fails (never skips) without it: `.ci/run` installs it."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("Chromium sans interface est requis pour ce test : installez chromium-headless-shell "
                "(ou lancez bash .ci/run, qui l'installe).")


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def _run(args: list[str], tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([browser(), f"--user-data-dir={tmp_path / 'profil'}", *OFFLINE, *args],
                          capture_output=True, timeout=180)


def test_report_page_renders_offline_in_chromium_with_its_charts(ptms, tmp_path):
    shutil.copytree(EXAMPLES / "historique", tmp_path / "historique")
    project = tmp_path / "historique" / "agglo-val-de-marque.yaml"
    out = tmp_path / "out"
    r = ptms("report", project, "--year", "2026", "-o", out, "-f", "html")
    assert r.code == 0, r.err
    page = out / "bilan-2026.html"
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == ["bilan-2026.html"]  # one file

    pdf = tmp_path / "bilan.pdf"
    done = _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()], tmp_path)
    assert done.returncode == 0 and pdf.is_file(), done.stderr.decode(errors="replace")[-2000:]
    text = plain(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                timeout=60).stdout)
    assert "Bilan d'activité et d'évaluation 2026" in text and "Versements des partenaires" in text
    costs = yaml.safe_load(project.read_text(encoding="utf-8"))["actuals"][2026]["costs"]
    assert plain(money(sum((Decimal(str(v)) for v in costs.values()), Decimal("0")))) in text
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    drawn = [line.split() for line in listed.splitlines()[2:] if line.strip()]
    assert len([x for x in drawn if x[2] == "image"]) == 2  # both charts decoded and drawn
    assert all(int(x[3]) > 200 and int(x[4]) > 100 for x in drawn if x[2] == "image")

    dom = _run(["--dump-dom", page.as_uri()], tmp_path)
    assert dom.returncode == 0
    parsed = _Images()
    parsed.feed(dom.stdout.decode("utf-8"))
    assert len(parsed.images) == 2
    for image in parsed.images:  # as the browser built it: inline picture, text alternative
        assert image["src"].startswith("data:image/png;base64,")
        assert re.match(r"Graphique en barres", image["alt"]) and len(image["alt"]) > 60


def test_the_offline_flags_do_block_the_network(tmp_path):
    """The check above can fail: a page that needs a remote picture gets nothing drawn in its place."""
    page = tmp_path / "distant.html"
    page.write_text('<!DOCTYPE html><html lang="fr"><body><p>Bonjour</p>'
                    '<img src="https://example.org/graphique.png" alt="graphique distant"></body></html>',
                    encoding="utf-8")
    pdf = tmp_path / "distant.pdf"
    done = _run([f"--print-to-pdf={pdf}", page.as_uri()], tmp_path)
    assert done.returncode == 0 and pdf.is_file()
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    drawn = [line.split() for line in listed.splitlines()[2:] if line.strip()]
    assert all(int(x[3]) <= 32 and int(x[4]) <= 32 for x in drawn)  # at most the « broken picture » icon
