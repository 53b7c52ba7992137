"""Random parameter sets for every workbook, in both editions: prose that never shows a missing figure, charts
whose text never collides, and the same numbers and verdicts in English and Chinese.

The edge-value sweep (test_reliability) moves one parameter at a time; here every parameter moves at once, drawn
from its declared range with a fixed seed, at the smallest data size so the sweep stays quick.

This module is the one place that asserts chart legibility (issue 17: no two texts a reader sees overlap, no
legend covers data), after every cell of a run: the random sets for every workbook, and for 00 and 02, whose
charts carry the most labels, the defaults and levers that move bars and lines a lot, at a larger size.
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
    english, chinese = run_in_process(stem, values, charts=True), run_in_process(stem, values, lang="zh", charts=True)
    for lang, run in (("en", english), ("zh", chinese)):
        bad = [s for s in _sentences(run) if MISSING_IN_WORDS[lang].search(s)]
        assert not bad, f"{stem} with {values}: a sentence shows a missing figure: {bad[0][:200]}"
        assert run.collisions == [], f"{stem} with {values}: {run.collisions[:3]}"
    verdicts = lambda run: [(f["id"], f["verdict"]) for f in run.metrics["review"]]  # noqa: E731
    assert verdicts(english) == verdicts(chinese)
    strip = lambda run: {k: v for k, v in run.metrics.items() if k != "review"}  # noqa: E731
    assert strip(english) == strip(chinese)


STRESS = {  # workbook: its size and sets of levers that move bars and lines far from where the defaults put them
    "00_case_review_method": (
        0.05,
        [{}, {"promo_discount": 0.4, "promo_elasticity": 6.0}, {"promo_days": 3, "marketing_cost": 0.0, "seed": 7}],
    ),
    "02_jd_logistics_membership": (
        0.2,
        [
            {},
            {"regional_stock_coverage": 0.2, "lead_time_days": 20, "supplier_payment_days": 10.0},
            {"order_up_to_days": 120.0, "plus_true_uplift": 0.0, "supplier_payment_days": 150.0},
        ],
    ),
}
STRESS_RUNS = [(stem, {"scale": scale, **changes}) for stem, (scale, sets) in STRESS.items() for changes in sets]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("stem", "values"), STRESS_RUNS, ids=[f"{s[:2]}-{i % 3}" for i, (s, _) in enumerate(STRESS_RUNS)]
)
def test_no_chart_text_collides_and_no_legend_covers_data(stem, values, lang):
    assert run_in_process(stem, values, lang=lang, charts=True).collisions == []
