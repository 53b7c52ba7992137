"""The Chinese edition is the English one in other words: same code, same parameters, same recorded results.

Static checks on the committed notebook files (both executed at their defaults by `make notebooks`, and kept
reproducible by strict nbval): every English workbook has a Chinese twin in notebooks/zh/ with identical code
cells, the same parameters (only the help comments differ), markdown written in Chinese, and identical recorded
metrics and review-card verdicts.
"""

from __future__ import annotations

import json
import re

import pytest
from support import ROOT

from helpers.notebook.params import read_spec
from helpers.notebook.record import read_metrics

ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HAN = re.compile(r"[\u4e00-\u9fff]")
# Six or more English words in a row outside code is an untranslated sentence; names and units are shorter.
ENGLISH_RUN = re.compile(r"(?:\b[A-Za-z][A-Za-z'’-]*\b[ ,;:]+){5,}\b[A-Za-z][A-Za-z'’-]*\b")
CODE_OR_LINK = re.compile(r"`[^`]*`|\(https?://[^)]*\)|https?://\S+")


def _twin(path):
    return ROOT / "notebooks" / "zh" / path.name


def _cells(path, kind):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in notebook["cells"] if c["cell_type"] == kind]


def _source(cell) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_every_workbook_has_a_chinese_twin(english):
    assert _twin(english).is_file(), f"notebooks/zh/{english.name} is missing"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_code_cells_are_identical_apart_from_parameter_help(english):
    chinese = _twin(english)
    en_code, zh_code = _cells(english, "code"), _cells(chinese, "code")
    assert len(en_code) == len(zh_code)
    for number, (en, zh) in enumerate(zip(en_code, zh_code, strict=True), start=1):
        if "parameters" in en["metadata"].get("tags", []):
            assert "parameters" in zh["metadata"].get("tags", [])
            continue
        assert _source(en) == _source(zh), f"{english.stem}: code cell {number} differs between editions"
    strip = lambda spec: [(p.name, p.type, p.default, p.low, p.high, p.choices) for p in spec]  # noqa: E731
    assert strip(read_spec(english)) == strip(read_spec(chinese))


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_chinese_markdown_is_written_in_chinese(english):
    for number, cell in enumerate(_cells(_twin(english), "markdown"), start=1):
        text = CODE_OR_LINK.sub("", _source(cell))
        assert HAN.search(text), f"{english.stem}: markdown cell {number} has no Chinese"
        leftover = ENGLISH_RUN.findall(text)
        assert not leftover, f"{english.stem}: markdown cell {number} has untranslated English: {leftover[:2]}"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: p.stem)
def test_both_editions_recorded_the_same_metrics_and_verdicts(english):
    en, zh = read_metrics(english), read_metrics(_twin(english))
    verdicts = lambda m: [(f["id"], f["verdict"]) for f in m.pop("review", [])]  # noqa: E731
    assert verdicts(en) == verdicts(zh)
    assert en == zh
