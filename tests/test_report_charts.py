"""The report's charts: inline SVG in the HTML report (drawn offline, checked
in headless Chromium), native Excel charts with the same figures in the
xlsx, print CSS (issue 13, point 4)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis_kit import AS_OF, gappy, perfect
from browser_kit import chromium
from graph.analysis import analyze
from graph.analysis.policy import Policy
from graph.report import render
from graph.report.charts import chart_figures

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _analysis(policy=None):
    return analyze(gappy().graph(), AS_OF, policy)


def test_three_charts_with_the_summary_figures():
    a = _analysis()
    charts = {c.key: c for c in chart_figures(a)}
    assert set(charts) == {"coverage", "findings", "streets"}
    comms = a.summary["communities"]
    assert sorted(charts["coverage"].series["two_way_share"]) == sorted(r["two_way_share"] for r in comms)
    assert list(charts["coverage"].series["two_way_share"]) == sorted(charts["coverage"].series["two_way_share"])
    streets = a.summary["streets"]
    for sev in ("high", "medium", "low"):
        assert charts["findings"].series[sev] == tuple(r["findings"][sev] for r in streets)
    assert sum(sum(v) for v in charts["findings"].series.values()) == len(a.findings)
    assert charts["coverage"].line == 0.3  # G06's default threshold


def test_policy_line_follows_the_policy():
    p = Policy.from_dict({"rules": {"G06": {"min_two_way_share": 0.6}}})
    (cov, *_rest) = chart_figures(_analysis(p))
    assert cov.line == 0.6 and "60%" in cov.line_label


def test_html_holds_one_svg_per_chart_and_no_external_resource():
    html = render(_analysis(), "html")
    assert len(re.findall(r'<svg class="chart"', html)) == 3
    for key in ("coverage", "findings", "streets"):
        assert f'data-chart="{key}"' in html
    assert html.count('class="policy-line"') == 2
    assert not re.search(r'(src|href)="https?:', html)
    assert "@media print" in html and "@page" in html


def test_xlsx_has_native_charts_over_the_same_figures():
    a = _analysis()
    wb = load_workbook(io.BytesIO(render(a, "xlsx")))
    ws = wb["图表"]
    assert len(ws._charts) == 3
    values = [c.value for row in ws.iter_rows() for c in row]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if str(row[0]).startswith("各街道缺口数"))
    streets = a.summary["streets"]
    table = rows[at + 2: at + 2 + len(streets)]
    assert [row[:4] for row in table] == [
        (r["name"], r["findings"]["high"], r["findings"]["medium"], r["findings"]["low"]) for r in streets]
    assert any(isinstance(v, str) and "政策线" in v for v in values)


@pytest.mark.browser
def test_report_charts_render_offline_in_chromium(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(render(analyze(perfect().graph(), AS_OF), "html"), encoding="utf-8")
    gappy_path = tmp_path / "gappy.html"
    gappy_path.write_text(render(_analysis(), "html"), encoding="utf-8")
    with chromium() as b:
        if True:
            for file in (path, gappy_path):
                page = b.new_page(viewport={"width": 1280, "height": 900})
                errors, blocked = [], []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                           else (blocked.append(r.request.url), r.abort()))
                page.goto(file.as_uri())
                boxes = page.eval_on_selector_all(
                    "svg.chart", "els => els.map(e => [e.getBoundingClientRect().width, "
                                 "e.getBoundingClientRect().height, e.querySelectorAll('rect').length])")
                assert len(boxes) == 3 and all(w > 300 and h > 60 for w, h, _ in boxes), boxes
                assert errors == [] and blocked == []
                if file is gappy_path:
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.locator("div.charts").screenshot(path=str(ARTIFACTS / "report-charts.png"))
                    page.emulate_media(media="print")
                    assert page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") \
                        == "rgb(255, 255, 255)"
                page.close()
