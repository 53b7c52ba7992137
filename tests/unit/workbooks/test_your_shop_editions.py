"""The two editions of workbook 04 as committed: identical code cells and parameters (only markdown and help
comments differ), identical recorded metrics and card verdicts, and Chinese prose in the Chinese edition."""

from __future__ import annotations

import html
import json
import re

from support import ROOT

from helpers.notebook.params import parse_cell
from helpers.notebook.record import read_metrics

STEM = "04_your_shop_review"
ENGLISH, CHINESE = ROOT / "notebooks" / f"{STEM}.ipynb", ROOT / "notebooks" / "zh" / f"{STEM}.ipynb"
# Latin words the Chinese edition may show: product and method names, units, file names, people cited
ALLOWED = {
    "BG", "NBD", "Gamma", "KPI", "A", "B", "RFM", "SKU", "GMV", "ROI", "KOL", "PLUS", "DTC", "CSV", "xlsx", "csv",
    "CRM", "ID",
    "Kohavi", "Tang", "Xu", "winback_list", "output", "lab", "your_shop_review", "col_channel", "col_sku",
    "col_city", "my_list",
}  # fmt: skip


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def parameters(path):
    source = next("".join(c["source"]) for c in cells(path) if "parameters" in c["metadata"].get("tags", []))
    return {n: (p.type, p.default, p.low, p.high, p.choices) for n, p in parse_cell(source).params.items()}


def test_code_cells_are_identical_except_the_parameters_help():
    def code(path):
        return [
            "".join(c["source"])
            for c in cells(path)
            if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])
        ]

    assert code(ENGLISH) == code(CHINESE) and len(code(ENGLISH)) > 10
    assert parameters(ENGLISH) == parameters(CHINESE)
    kinds = [c["cell_type"] for c in cells(ENGLISH)]
    assert kinds == [c["cell_type"] for c in cells(CHINESE)]


def test_both_committed_editions_record_the_same_metrics_and_verdicts():
    english, chinese = read_metrics(ENGLISH), read_metrics(CHINESE)
    cards = english.pop("review"), chinese.pop("review")
    assert english == chinese and "holdout_error_interval" in english
    assert [(f["id"], f["verdict"]) for f in cards[0]] == [(f["id"], f["verdict"]) for f in cards[1]]
    assert all(re.search(r"[\u4e00-\u9fff]", f["text"]) for f in cards[1])


def prose(path) -> list[str]:
    """Markdown the code printed, table captions, the card's cells and printed lines (tables of data left out)."""
    texts = []
    for cell in cells(path):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts += ["".join(data["text/markdown"])] if "text/markdown" in data else []
            page = "".join(data.get("text/html", ""))
            texts += re.findall(r"<p><b>(.*?)</b></p>", page)
            if "<h4>" in page:  # the review card's findings and evidence (its headings are common.yaml's)
                texts += [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<td[^>]*>(.*?)</td>", page)]
            texts += ["".join(output["text"])] if output.get("name") == "stdout" else []
    return [html.unescape(t) for t in texts if t.strip()]


def test_the_chinese_edition_speaks_chinese_and_never_prints_a_missing_figure():
    texts = prose(CHINESE)
    assert len(texts) > 30
    for text in texts:
        assert re.search(r"[\u4e00-\u9fff]", text), text
        words = set(re.findall(r"[A-Za-z_]{2,}", re.sub(r"`[^`]*`|\b\d{4}-\d{2}-\d{2}\b", "", text)))
        assert words <= ALLOWED, (words - ALLOWED, text)
    for text in texts + prose(ENGLISH):
        assert not re.search(r"\bn/a\b|\bnan\b|\bNone\b", text), text
