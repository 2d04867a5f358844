"""SVG charts for PDF reports: shapes for every value, escaped labels."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from iprodash.integrations.charts_svg import Series, bar_line_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # raises when the markup is not well-formed XML


def test_one_bar_per_label_and_a_line_through_every_point():
    labels = ["Nov 2", "Nov 9", "Nov 16"]
    root = _parse(bar_line_chart(labels, Series("Gross", [40000, 0, 25000]),
                                 Series("Profit", [16900, -4000, 11000]), title="By week"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#4f5fc4"]
    assert len(bars) == 3 + 1  # three bars and the legend swatch
    heights = [float(r.get("height")) for r in bars[:3]]
    assert heights[0] > heights[2] > heights[1] == 0
    points = root.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 3
    y_values = [float(p.split(",")[1]) for p in points]
    assert y_values[1] > y_values[2] > y_values[0]  # a loss is drawn lowest (SVG y grows down)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "By week" in texts and "Nov 9" in texts
    assert texts.count("-$200") == 1 and "$400" in texts  # round ticks cover -$40 to $400


def test_labels_are_escaped_and_markup_has_no_links():
    markup = bar_line_chart(['<image href="file:///etc/passwd"/>', "A & B"],
                            Series("<script>", [100, 200]))
    root = _parse(markup)
    assert root.find(f".//{SVG}image") is None and root.find(f".//{SVG}script") is None
    assert "&lt;image" in markup and "A &amp; B" in markup
    assert not re.search(r"href|url\(", markup.replace("&lt;image href", ""))


def test_all_zero_values_still_draw_an_axis():
    root = _parse(bar_line_chart(["a", "b"], Series("Gross", [0, 0])))
    assert len(list(root.iter(f"{SVG}line"))) >= 2


def test_series_length_must_match_labels():
    with pytest.raises(ValueError):
        bar_line_chart(["a", "b"], Series("Gross", [1]))
