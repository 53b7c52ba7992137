"""Readers of either edition of the JD workbook (02) see labels and sentences in their own language, never a
code name or a missing-figure mark (identical code, numbers and verdicts: tests/unit/test_editions.py and the
random sweep)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from support import ROOT

pytestmark = pytest.mark.notebook
STEM = "02_jd_logistics_membership"
EDITIONS = {"en": ROOT / "notebooks" / f"{STEM}.ipynb", "zh": ROOT / "notebooks" / "zh" / f"{STEM}.ipynb"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def shown_texts(notebook_cells: list[dict]) -> tuple[list[str], list[str]]:
    """(table headers, sentences) of an executed notebook's outputs as plain text: the sentences are the prose,
    the printed messages and the review card's findings and evidence (table cells are figures, not sentences)."""
    headers, prose = [], []
    for cell in notebook_cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                page = "".join(data["text/html"])
                headers += [html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", page)]
                if page.startswith("<h4>"):  # the review card
                    prose += [html.unescape(t) for t in re.findall(r"<td[^>]*>(.*?)</td>", page)]
            if "text/markdown" in data:
                prose.append("".join(data["text/markdown"]))
            if output.get("output_type") == "stream":
                prose.append(output["text"] if isinstance(output["text"], str) else "".join(output["text"]))
    return headers, prose


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_readers_see_labels_not_code_names_and_no_missing_marks(lang):
    headers, prose = shown_texts(cells(EDITIONS[lang]))
    assert headers
    for header in headers:
        assert "_" not in header, f"code name as a table header: {header!r}"
        if lang == "zh":
            assert HAN.search(header), f"untranslated header: {header!r}"
    for text in prose:
        assert not re.search(r"\bn/a\b|\bnan\b|\bNone\b", text), text
    if lang == "zh":
        sentences = [t for t in prose if len(t) > 40]
        assert sentences and all(HAN.search(t) for t in sentences)
