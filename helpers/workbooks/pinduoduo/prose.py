"""The Pinduoduo workbook's computed prose: which catalog sentence each step shows, chosen by its figures.

A figure that does not exist (no team opened, no subsidy, your own data) picks a sentence that says why in
words instead of printing "n/a" inside a sentence; the words themselves live in `pinduoduo.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping

from helpers.core.fmt import is_missing
from helpers.core.messages import message
from helpers.workbooks.pinduoduo.case import Spread


def _say(key: str, **values: object) -> str:
    return message(f"pinduoduo.{key}", **values)


def teams(team_share: float, success: float, hours: int, completion: Mapping[str, float]) -> str:
    """Team share of orders, team success and the completion of shared vs unshared teams."""
    if is_missing(success):
        return _say("teams.none")
    text = _say("teams.said", team_share=team_share, success=success, hours=hours)
    if not (is_missing(completion["shared"]) or is_missing(completion["unshared"])):
        text += _say("teams.shared", shared=completion["shared"], unshared=completion["unshared"])
    return text


def loop(k: Mapping[str, float], cycle: Mapping[str, float], window: int) -> str:
    """Shares per buyer, conversion, the cohort K-factor, the loop's cycle time and what K means."""
    if is_missing(k["k_factor"]):
        return _say("loop.no_cohort", window=window)
    text = _say(
        "loop.said",
        invites=k["invites_per_user"],
        conversion=k["conversion"],
        cohort=k["cohort_buyers"],
        window=window,
        k=k["k_factor"],
        k_team=k["k_team"],
        k_bargain=k["k_bargain"],
        k_any=k["k_any_time"],
    )
    if is_missing(cycle["generation_days"]):
        text += _say("loop.no_cycle")
    else:
        text += _say("loop.cycle", share_to_order=cycle["share_to_order_days"], generation=cycle["generation_days"])
    return text + _say("loop.below_one" if k["k_factor"] < 1 else "loop.above_one")


def bargain(summary: Mapping[str, float]) -> str:
    """What the bargain campaign cost and brought, or why there is nothing to say."""
    if summary["campaigns"] == 0:
        return _say("bargain.disabled")
    values = {
        "campaigns": summary["campaigns"],
        "clicks": summary["helper_clicks"],
        "items": summary["items_given"],
        "cost": summary["giveaway_cost"],
    }
    if summary["new_buyers"] == 0:
        return _say("bargain.no_buyers", **values)
    return _say("bargain.said", **values, new=summary["new_buyers"], per_buyer=summary["cost_per_new_buyer"])


def repeat(rate: float) -> str:
    """The 90-day repeat rate, or why it cannot be measured."""
    return _say("no_repeat") if is_missing(rate) else _say("repeat", repeat=rate)


def cac(paid: float, viral: float, blended: float) -> str:
    """CAC of paid and viral buyers and blended, leaving out a source that brought nobody."""
    key = {
        (False, False): "cac.said",
        (True, False): "cac.no_paid",
        (False, True): "cac.no_viral",
        (True, True): "cac.no_both",
    }[(is_missing(paid), is_missing(viral))]
    return _say(key, paid=paid, viral=viral, blended=blended)


def ltv(ltv_cac: float) -> str:
    """LTV/CAC on the buyers observed for 12 months, or why it cannot be measured yet."""
    return _say("ltv.missing") if is_missing(ltv_cac) else _say("ltv.said", ltv_cac=ltv_cac)


def subsidy(effect: Mapping[str, float], pull: float, spread: Spread | None, own_data: bool) -> list[str]:
    """Paragraphs on the subsidy: what it cost and added, what the comparison is and its spread over seeds."""
    if effect["subsidy_cost"] == 0:
        return [_say("subsidy.none")]
    naive = (
        _say("subsidy.no_naive")
        if is_missing(effect["naive_gmv_per_yuan"])
        else _say("subsidy.naive_said", gmv=effect["naive_incremental_gmv"], per_yuan=effect["naive_gmv_per_yuan"])
    )
    if own_data or is_missing(effect["roi"]):
        if is_missing(effect["naive_gmv_per_yuan"]):
            return [_say("subsidy.unmeasurable")]
        return [
            _say(
                "subsidy.own_said",
                cost=effect["subsidy_cost"],
                gmv=effect["naive_incremental_gmv"],
                per_yuan=effect["naive_gmv_per_yuan"],
            )
        ]
    said = _say(
        "subsidy.said",
        cost=effect["subsidy_cost"],
        gmv=effect["incremental_gmv"],
        per_yuan=effect["gmv_per_yuan"],
        pull=pull,
        roi=effect["roi"],
    )
    paragraphs = [said + naive, _say("subsidy.what")]
    if spread is not None:
        paragraphs.append(_say("subsidy.spread", **spread.figures()))
    return paragraphs


def pnl(marketing: float, margin: float) -> str:
    """Marketing expense and net margin against Pinduoduo's 2018, or why there are no margins."""
    return _say("pnl.no_revenue") if is_missing(margin) else _say("pnl.said", marketing=marketing, margin=margin)


def calculator(margin: float, discount: float, need: float) -> str:
    """The volume uplift your discount needs at your margin, or why no promotion can bring it."""
    if is_missing(need):
        return _say("calculator.impossible", margin=margin, discount=discount)
    return _say("calculator.said", margin=margin, discount=discount, need=need)
