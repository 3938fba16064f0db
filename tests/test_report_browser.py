"""The report in headless Chromium, as an evaluator uses it: the index, a territory page, a partner page, the
search page filtered to one partner, and a page's tables downloaded as CSV and XLSX (files made in the browser) —
on the real five protocols and on 50 synthetic ones. Each page is opened
from disk, its DOM after its scripts ran is checked, and a screenshot is kept (under pytest's temporary folder, or
under ``$PERR_SCREENSHOTS`` when set)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from perr_graph.cli import main
from support import browser as support_browser
from support import project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
shots = support_browser.shots
browser = support_browser.browser


@pytest.fixture(scope="module")
def browse(shots, tmp_path_factory):
    """``browse(page, fragment, name)``: the DOM of ``page`` after its scripts ran, and its screenshot."""
    exe = support_browser.require_chromium()

    def run(page: Path, fragment: str = "", name: str | None = None) -> tuple[str, Path]:
        png = shots / f"{name or page.stem}.png"
        profile = tmp_path_factory.mktemp("chromium-profile")
        url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
        base = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            "--window-size=1366,1600",
            "--virtual-time-budget=5000",
        ]
        dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=180)
        assert dom.returncode == 0, dom.stderr[-2000:]
        shot = subprocess.run(
            [*base, f"--screenshot={png}", url], capture_output=True, text=True, timeout=180
        )
        assert shot.returncode == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot.stderr[-2000:]
        assert png.stat().st_size > 20_000
        return dom.stdout, png

    return run


def search_data(report: Path) -> dict:
    text = (report / "commitments.html").read_text(encoding="utf-8")
    return json.loads(
        re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S).group(1)
    )


def check_index(browse, report: Path, count: int, label: str):
    dom, _ = browse(report / "index.html", name=f"{label}-index")
    assert '<html lang="fr">' in dom
    assert re.search(rf"<h1>{count} protocoles de la politique de la ville</h1>", dom)
    assert dom.count('class="protocol"') == count
    assert "Les territoires, par région et département" in dom


def check_territory(browse, report: Path, pid: str, label: str):
    dom, _ = browse(report / f"protocol-{pid}.html", name=f"{label}-territory")
    for heading in ("Signataires", "Qui porte les engagements", "Partenaires par rôle", "Ce qui est mesuré"):
        assert heading in dom
    assert 'class="c' in dom and 'href="partner-' in dom


def check_partner(browse, report: Path, key: str, label: str):
    dom, _ = browse(report / f"partner-{key}.html", name=f"{label}-partner")
    assert "Ses rôles" in dom and "protocol-" in dom


def check_search(browse, report: Path, key: str, label: str) -> int:
    """The search page filtered to one partner shows that partner's commitments only, as many as the data hold."""
    data = search_data(report)
    index = [p[0] for p in data["partners"]].index(key)
    expected = sum(1 for c in data["c"] if any(inv[0] == index for inv in c[6]))
    dom, _ = browse(report / "commitments.html", f"partner={key}", name=f"{label}-search-{key}")
    count = int(re.search(r'id="count"[^>]*data-count="(\d+)"', dom).group(1))
    assert count == expected > 0
    rows = re.findall(r'<tr data-c="[^"]+" data-partners="([^"]*)"', dom)
    assert len(rows) == min(expected, data["page"])
    assert all(key in r.split() for r in rows)
    assert f'value="{key}"' in dom  # the partner is a choice of the filter
    return count


# --- the real five --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_report(dataset_nq, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "report"
    code = main(
        [
            "report",
            "--data",
            str(dataset_nq),
            "--sources",
            str(project.SOURCES),
            "--no-validation",
            "-o",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    return out


def test_real_index(browse, real_report, protocols):
    check_index(browse, real_report, len(protocols), "real")


def test_real_territory_page(browse, real_report):
    check_territory(browse, real_report, "montelimar", "real")


def test_real_partner_page(browse, real_report):
    check_partner(browse, real_report, "caf-drome", "real")


def test_real_search_filters_to_one_partner(browse, real_report):
    assert check_search(browse, real_report, "caf-drome", "real") >= 20


def test_real_heat_map_cell_opens_the_commitments_it_counts(browse, real_report):
    """A heat-map cell's figure equals the number of commitments the search page lists for its link."""
    text = (real_report / "compare.html").read_text(encoding="utf-8")
    href, figure = re.search(
        r'<a href="commitments\.html#(pillar=cohesion-sociale&amp;territory=valence)">(\d+)</a>', text
    ).groups()
    dom, _ = browse(real_report / "commitments.html", href.replace("&amp;", "&"), name="real-search-heat")
    assert re.search(r'data-count="(\d+)"', dom.split('id="count"')[1]).group(1) == figure


_BASE64 = (
    ".then(function (b) { return b.arrayBuffer(); }).then(function (buf) { var s = '', u = new Uint8Array(buf);"
    " for (var i = 0; i < u.length; i++) { s += String.fromCharCode(u[i]); } return btoa(s); })"
)


def _as_text(v) -> str:
    """A held cell as the CSV writes it (perr_graph.terminal.plain_value)."""
    from perr_graph.terminal import plain_value

    return plain_value(v)


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl on a minimal workbook
@pytest.mark.parametrize("page", ["protocol-valence.html", "partner-caf-drome.html"])
def test_real_tables_download_as_csv_and_xlsx(browser, real_report, tmp_path, page):
    """On a page opened from disk, every table's CSV, made in the browser, is the header and every row the page
    holds (UTF-8 with a byte-order mark, CRLF); the page's workbook has a sheet per table, named as the page says,
    with the same cells (numbers as numbers), the header in bold and frozen; and clicking an XLSX link saves the
    workbook under the name it gives."""
    import base64
    import csv
    import io

    from openpyxl import load_workbook

    b = browser
    b.send("Page.enable")
    folder = tmp_path / "downloads"
    folder.mkdir()
    b.send(
        "Browser.setDownloadBehavior",
        {"behavior": "allow", "downloadPath": str(folder), "eventsEnabled": True},
        session=False,
    )
    b.send("Page.navigate", {"url": (real_report / page).resolve().as_uri()})
    b.wait_for(
        f"location.href.endsWith('{page}') && document.readyState === 'complete' && !!window.perrTables"
    )
    held = b.evaluate("perrTables.data")
    assert held["xlsx"] == page.replace(".html", ".xlsx") and len(held["tables"]) >= 2
    for t in held["tables"]:
        raw = base64.b64decode(b.evaluate(f"perrTables.blob({json.dumps(t['id'])}, 'csv')" + _BASE64))
        assert raw.startswith("\ufeff".encode()) and raw.endswith(b"\r\n")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert rows == [t["columns"], *[[_as_text(v) for v in r] for r in t["rows"]]], t["id"]
    raw = base64.b64decode(
        b.evaluate(f"perrTables.blob({json.dumps(held['tables'][0]['id'])}, 'xlsx')" + _BASE64)
    )
    book = load_workbook(io.BytesIO(raw))
    assert book.sheetnames == [t["sheet"] for t in held["tables"]]
    for t in held["tables"]:
        sheet = book[t["sheet"]]
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
        want = [t["columns"], *[[None if v == "" else v for v in r] for r in t["rows"]]]
        assert [r[: len(t["columns"])] for r in cells] == want, t["id"]
        assert all(c.font.b for c in sheet[1]) and sheet.freeze_panes == "A2", t["id"]
    numbers = [v for t in held["tables"] for r in t["rows"] for v in r if isinstance(v, int | float)]
    assert numbers  # the tables hold counts, written as numbers
    b.evaluate("document.querySelector('a[data-format=\"xlsx\"]').click(), true")
    saved = folder / held["xlsx"]
    support_browser.wait_until(saved.is_file, 30)
    assert load_workbook(saved).sheetnames == book.sheetnames


# --- 50 synthetic protocols ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synth50")
    nq, texts = folder / "france.nq", folder / "texts"
    assert (
        main(
            [
                "synth",
                "--protocols",
                "50",
                "--seed",
                "1",
                "--output",
                str(nq),
                "--texts",
                str(texts),
                "--quiet",
            ]
        )
        == 0
    )
    out = folder / "report"
    assert (
        main(
            [
                "report",
                "--data",
                str(nq),
                "--sources",
                str(texts),
                "--no-validation",
                "-o",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    return out


def test_synthetic_index(browse, synthetic_report):
    check_index(browse, synthetic_report, 50, "synth50")
    dom = (synthetic_report / "index.html").read_text(encoding="utf-8")
    assert dom.count('<details class="region"') >= 2  # grouped by région, collapsed at this size
    assert '<details class="region" open' not in dom


def test_synthetic_territory_page(browse, synthetic_report):
    check_territory(browse, synthetic_report, "synth-0001", "synth50")


def test_synthetic_partner_page_and_search(browse, synthetic_report):
    data = search_data(synthetic_report)
    counts: dict[int, int] = {}
    for c in data["c"]:
        for inv in c[6]:
            counts[inv[0]] = counts.get(inv[0], 0) + 1
    busiest = data["partners"][max(counts, key=lambda i: (counts[i], -i))][0]
    check_partner(browse, synthetic_report, busiest, "synth50")
    check_search(browse, synthetic_report, busiest, "synth50")
