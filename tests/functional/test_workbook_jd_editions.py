"""The two editions of the JD workbook (02): identical code, identical numbers and verdicts, and readers of
either edition see labels and sentences in their own language, never a code name or a missing-figure mark."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import papermill
import pytest
from support import ROOT

from helpers.notebook.params import parse_cell
from helpers.notebook.record import metrics_from_cells, read_metrics

pytestmark = pytest.mark.notebook
STEM = "02_jd_logistics_membership"
EDITIONS = {"en": ROOT / "notebooks" / f"{STEM}.ipynb", "zh": ROOT / "notebooks" / "zh" / f"{STEM}.ipynb"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def is_parameters(cell: dict) -> bool:
    return "parameters" in cell.get("metadata", {}).get("tags", [])


def verdicts(metrics: dict) -> list[tuple[str, str]]:
    return [(f["id"], f["verdict"]) for f in metrics["review"]]


def numbers(metrics: dict) -> dict:
    return {name: value for name, value in metrics.items() if name != "review"}


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


def test_code_cells_are_identical_and_the_parameters_differ_only_in_their_help():
    en, zh = cells(EDITIONS["en"]), cells(EDITIONS["zh"])
    assert [c["cell_type"] for c in en] == [c["cell_type"] for c in zh]
    for a, b in zip(en, zh, strict=True):
        if a["cell_type"] == "code" and not is_parameters(a):
            assert a["source"] == b["source"]
    spec = {
        lang: parse_cell("".join(next(c for c in cs if is_parameters(c))["source"]))
        for lang, cs in (("en", en), ("zh", zh))
    }
    assert list(spec["en"].params) == list(spec["zh"].params)
    for name, p in spec["en"].params.items():
        q = spec["zh"].params[name]
        assert (p.type, p.default, p.low, p.high, p.choices) == (q.type, q.default, q.low, q.high, q.choices), name
        assert HAN.search(q.help), f"{name}: help of the Chinese edition is not in Chinese: {q.help!r}"


def test_the_committed_editions_record_identical_metrics_and_verdicts():
    en, zh = read_metrics(EDITIONS["en"]), read_metrics(EDITIONS["zh"])
    assert numbers(en) == numbers(zh)
    assert verdicts(en) == verdicts(zh)
    assert all(HAN.search(f["text"]) for f in zh["review"])
    assert [f["text"] for f in en["review"]] != [f["text"] for f in zh["review"]]


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


def run(lang: str, out: Path, **parameters) -> list[dict]:
    """Execute one edition as JupyterLab and `casebook run --lang` do: the kernel works in the edition's folder."""
    path = EDITIONS[lang]
    target = out / f"{lang}.ipynb"
    papermill.execute_notebook(
        str(path), str(target), parameters=parameters, cwd=str(path.parent), kernel_name="python3", progress_bar=False
    )
    return cells(target)


def test_a_changed_run_gives_the_same_numbers_and_verdicts_in_both_editions(tmp_path):
    """regional_stock_coverage 0.4 breaks the 211 promise (#13 item 16); no true PLUS effect leaves selection."""
    parameters = {"scale": 0.2, "regional_stock_coverage": 0.4, "plus_true_uplift": 0.0}
    en = run("en", tmp_path, **parameters)
    zh = run("zh", tmp_path, **parameters)
    m_en, m_zh = metrics_from_cells(en), metrics_from_cells(zh)
    assert numbers(m_en) == numbers(m_zh)
    assert verdicts(m_en) == verdicts(m_zh)
    found = dict(verdicts(m_en))
    assert found["delivery_211"] == "did not work" and found["plus_effect"] == "did not work"
    breakthrough = next(f["text"] for f in m_en["review"] if f["id"] == "breakthrough")
    assert "could not match" not in breakthrough and "broke down" in breakthrough
    assert m_en["plus_causal_uplift"] == pytest.approx(1.0)
    assert m_en["plus_causal_uplift_low"] == pytest.approx(1.0) and m_en["plus_causal_uplift_high"] == pytest.approx(
        1.0
    )
    headers, prose = shown_texts(zh)
    assert all(HAN.search(h) for h in headers)
    assert not any(re.search(r"\bn/a\b|\bnan\b|\bNone\b", t) for t in prose)
