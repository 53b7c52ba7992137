"""Random parameter sets for every workbook, in both editions: prose that never shows a missing figure, charts
whose text never collides, and the same numbers and verdicts in English and Chinese.

The edge-value sweep (test_reliability) moves one parameter at a time; here every parameter moves at once, drawn
from its declared range with a fixed seed, at the smallest data size so the sweep stays quick.
"""

from __future__ import annotations

import random
import re

import pytest
from support.inprocess import run_in_process
from support.sweep import PATH_LIKE, SPECS

from helpers.app.runner import plan
from helpers.core.errors import ParameterError

MISSING_IN_WORDS = {  # a missing figure shows as "n/a" in English and a lone "—" in Chinese (whose prose dash is "——")
    "en": re.compile(r"(?<![\w/])(n/a|nan|NaN|None)(?![\w/])"),
    "zh": re.compile(r"(?<![\w/])(n/a|nan|NaN|None)(?![\w/])|(?<!—)—(?!—)"),
}
FIXED = {"seed", "days", "output_dir", "data_dir", "encoding", "calibration_end"}


def _draw(stem: str, rng: random.Random) -> dict:
    """One random, valid parameter set: every free number moved at once, each choice and flag at random."""
    spec = SPECS[stem]
    for _ in range(50):
        values = {}
        for p in spec:
            if p.name in FIXED or p.name.endswith(PATH_LIKE) or p.name.startswith("col_"):
                continue
            if p.choices is not None:
                values[p.name] = rng.choice(p.choices)
            elif p.type == "bool":
                values[p.name] = rng.random() < 0.5
            elif p.type in ("int", "float") and p.low is not None:
                # around the default (×0.5 to ×2), kept in range: scenarios a trainee would try, not only extremes
                high = p.high if p.high is not None else max(p.default * 2, p.low + 1)
                value = p.default * 2 ** rng.uniform(-1, 1) if p.default else rng.uniform(p.low, high) / 4
                value = min(max(value, p.low), high)
                values[p.name] = round(value) if p.type == "int" else round(value, 3)
        shares = sorted(name for name in values if "_share_" in name)  # a mix (KOL tiers) must sum to 1
        if shares:
            total = sum(values[name] for name in shares) or 1.0
            for name in shares[:-1]:
                values[name] = round(values[name] / total, 3)
            values[shares[-1]] = round(1 - sum(values[name] for name in shares[:-1]), 3)
        if "scale" in values:
            values["scale"] = SPECS[stem].params["scale"].low
        try:
            (chosen,) = plan([stem], values).values()
            return chosen
        except ParameterError:
            continue  # a draw that breaks a rule across parameters (shares over 100%): draw again
    raise AssertionError(f"{stem}: no valid random parameter set in 50 draws")


def _sentences(run) -> list[str]:
    texts = [re.sub(r"<[^>]+>", " ", p) for p in run.prose]
    texts += [f"{f['text']} {f['evidence']}" for f in run.metrics.get("review", [])]
    return texts


@pytest.mark.parametrize("stem", sorted(SPECS), ids=str)
def test_random_parameters_read_well_and_agree_across_editions(stem):
    values = _draw(stem, random.Random(f"casebook-{stem}"))
    english, chinese = run_in_process(stem, values), run_in_process(stem, values, lang="zh")
    for lang, run in (("en", english), ("zh", chinese)):
        bad = [s for s in _sentences(run) if MISSING_IN_WORDS[lang].search(s)]
        assert not bad, f"{stem} with {values}: a sentence shows a missing figure: {bad[0][:200]}"
        assert run.collisions == [], f"{stem} with {values}: {run.collisions[:3]}"
    verdicts = lambda run: [(f["id"], f["verdict"]) for f in run.metrics["review"]]  # noqa: E731
    assert verdicts(english) == verdicts(chinese)
    strip = lambda run: {k: v for k, v in run.metrics.items() if k != "review"}  # noqa: E731
    assert strip(english) == strip(chinese)
