"""Every shipped scenario is valid: it loads, expands and passes every run's parameter checks (no execution)."""

import pytest
from support import ROOT

from helpers.app.batch import expand, load_scenario, validate

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_there_is_a_what_if_per_case_and_the_cohort_example():
    stems = {path.stem for path in SCENARIOS}
    assert {"cohort_618", "pinduoduo_subsidy_stops", "jd_low_regional_stock", "perfect_diary_top_kols"} <= stems
    cases = {load_scenario(str(path))["notebooks"][0][:2] for path in SCENARIOS}
    assert cases >= {"00", "01", "02", "03"}


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_shipped_scenario_plans_without_error(path):
    scenario = load_scenario(str(path))
    runs = expand(scenario)
    validate(runs)
    assert scenario.get("title") and len(runs) >= 2


def test_the_what_ifs_set_what_their_titles_promise():
    jd = expand(load_scenario(str(SCENARIOS[0].parent / "jd_low_regional_stock.yaml")))
    assert min(r.parameters["regional_stock_coverage"] for r in jd) < 0.8  # below the workbook's default
    diary = expand(load_scenario(str(SCENARIOS[0].parent / "perfect_diary_top_kols.yaml")))
    assert all(r.parameters["kol_share_top"] > 0.2 for r in diary)  # above the default 20%
