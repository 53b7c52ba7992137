"""Social commerce loops: team-purchase (拼团) funnels, share funnels, K-factor, viral cycle time, bargain campaigns.

Works on the tables of a group-buying platform: `teams` (one row per team opened), `shares` (one row per WeChat
share, with reached / clicks / signups / first_orders) and `users` (with `referred_by`, `referral_share_id`,
`first_order_at`). Figures that do not exist (no teams, no shares) are NaN, never an exception.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.funnel import funnel_table
from helpers.core.numbers import ratio

SHARE_STEPS = ("reached", "clicks", "signups", "first_orders")
TEAM_STEPS = ("opened", "shared", "shared and joined", "shared and completed")


def team_funnel(teams: pd.DataFrame) -> pd.DataFrame:
    """Teams opened → shared → shared and got a partner → shared and completed (a nested funnel).

    Unshared teams can still fill from the app's open-team list; `team_completion` compares the two.
    """
    shared = teams["shared"].astype(bool)
    joined = teams["partners_joined"] > 0
    completed = teams["completed"].astype(bool)
    counts = [len(teams), shared.sum(), (shared & joined).sum(), (shared & completed).sum()]
    return funnel_table(list(TEAM_STEPS), counts)


def team_completion(teams: pd.DataFrame, users: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per city tier of the opener (or overall without `users`): teams, share rate, completion of shared and
    unshared teams, and overall completion — sharing is what fills a team in time."""
    frame = teams.assign(shared=teams["shared"].astype(bool), completed=teams["completed"].astype(bool))
    if users is not None:
        tiers = users.set_index("user_id")["city_tier"]
        frame = frame.assign(city_tier=frame["opener_id"].map(tiers))
    else:
        frame = frame.assign(city_tier="all")
    rows = []
    for tier, group in frame.groupby("city_tier", sort=True):
        shared = group[group["shared"]]
        alone = group[~group["shared"]]
        rows.append(
            {
                "city_tier": tier,
                "teams": len(group),
                "share_rate": ratio(len(shared), len(group)),
                "completion_shared": ratio(shared["completed"].sum(), len(shared)),
                "completion_unshared": ratio(alone["completed"].sum(), len(alone)),
                "completion": ratio(group["completed"].sum(), len(group)),
            }
        )
    columns = ["city_tier", "teams", "share_rate", "completion_shared", "completion_unshared", "completion"]
    return pd.DataFrame(rows, columns=columns)


def team_success_rate(teams: pd.DataFrame) -> float:
    """Share of opened teams that filled within the window (NaN when no team was opened)."""
    return ratio(teams["completed"].astype(bool).sum(), len(teams))


def share_funnel(shares: pd.DataFrame, share_type: str | None = None) -> pd.DataFrame:
    """Friends reached → clicked → signed up → placed a first order, for one share type or all shares."""
    rows = shares if share_type is None else shares[shares["share_type"] == share_type]
    return funnel_table(list(SHARE_STEPS), [float(rows[step].sum()) for step in SHARE_STEPS])


K_WINDOW_DAYS = 180  # a referrer's invitations count for this many days after their own first order


def k_factor(shares: pd.DataFrame, users: pd.DataFrame, window_days: int = K_WINDOW_DAYS) -> dict[str, float]:
    """The cohort K-factor: new buyers each buyer brings within `window_days` of their own first order.

    The cohort is every buyer whose first order is at least `window_days` before the last first order in
    `users` (so each one had the full window to invite); K = cohort members' referees whose first order came
    within the window ÷ cohort size, split by the share type that brought them (`k_team`, `k_bargain`).
    K > 1 means each buyer brings more than one new buyer: growth that feeds itself. `k_any_time` drops the
    window (it grows with the length of the data). `invites_per_user` (shares per buyer) and `conversion`
    (first orders per share) describe the loop over the whole base.
    """
    window = pd.Timedelta(days=window_days)
    first = pd.to_datetime(users["first_order_at"])
    cohort = users.loc[first <= first.max() - window, "user_id"]
    referees = users[users["referred_by"].isin(cohort)]
    own_first = first.set_axis(users["user_id"].to_numpy())
    delay = pd.to_datetime(referees["first_order_at"]) - referees["referred_by"].map(own_first).to_numpy()
    in_window = referees[(delay <= window).to_numpy()]
    kinds = in_window["referral_share_id"].map(shares.set_index("share_id")["share_type"])
    n_cohort, n_users, n_shares = len(cohort), len(users), len(shares)
    return {
        "users": float(n_users),
        "shares": float(n_shares),
        "cohort_buyers": float(n_cohort),
        "cohort_referees": float(len(in_window)),
        "invites_per_user": ratio(n_shares, n_users),
        "conversion": ratio(shares["first_orders"].sum(), n_shares),
        "k_factor": ratio(len(in_window), n_cohort),
        "k_any_time": ratio(len(referees), n_cohort),
        **{f"k_{kind}": ratio((kinds == kind).sum(), n_cohort) for kind in ("team", "bargain")},
    }


def viral_cycle_days(users: pd.DataFrame, shares: pd.DataFrame) -> dict[str, float]:
    """How fast the loop turns: mean days from an inviter's first order to their invitee's first order (one
    generation, the usual 'viral cycle time'), and mean days from the share itself to that first order."""
    referred = users.dropna(subset=["referred_by"])
    if referred.empty:
        return {"generation_days": float("nan"), "share_to_order_days": float("nan"), "referred_users": 0.0}
    first = pd.to_datetime(users.set_index("user_id")["first_order_at"])
    shared_at = pd.to_datetime(shares.set_index("share_id")["shared_at"])
    own = pd.to_datetime(referred["first_order_at"])
    generation = own - referred["referred_by"].map(first).to_numpy()
    latency = own - referred["referral_share_id"].map(shared_at).to_numpy()
    day = pd.Timedelta(days=1)
    return {
        "generation_days": float(generation.mean() / day),
        "share_to_order_days": float(latency.mean() / day),
        "referred_users": float(len(referred)),
    }


def bargain_summary(shares: pd.DataFrame) -> dict[str, float]:
    """砍价免费拿 in figures: campaigns, helper clicks, items given, their cost, new buyers and cost per new buyer."""
    rows = shares[shares["share_type"] == "bargain"]
    given = rows["item_given"].astype(bool)
    cost, new = float(rows["giveaway_cost"].sum()), float(rows["first_orders"].sum())
    return {
        "campaigns": float(len(rows)),
        "helper_clicks": float(rows["clicks"].sum()),
        "items_given": float(given.sum()),
        "success_rate": ratio(given.sum(), len(rows)),
        "giveaway_cost": cost,
        "new_buyers": new,
        "cost_per_new_buyer": ratio(cost, new),
        "clicks_per_campaign": ratio(rows["clicks"].sum(), len(rows)),
    }


def bargain_by_friends_needed(shares: pd.DataFrame) -> pd.DataFrame:
    """Per number of friends needed: campaigns, success rate, helper clicks and new buyers per campaign, cost
    per new buyer — the escalation ('invite 2 more') trades free items for exposure."""
    rows = shares[shares["share_type"] == "bargain"]
    grouped = rows.groupby("friends_needed").agg(
        campaigns=("share_id", "size"),
        success_rate=("item_given", "mean"),
        clicks=("clicks", "mean"),
        new_buyers=("first_orders", "sum"),
        giveaway_cost=("giveaway_cost", "sum"),
    )
    grouped["success_rate"] = grouped["success_rate"].astype(float)
    grouped["new_buyers_per_campaign"] = grouped["new_buyers"] / grouped["campaigns"]
    grouped["cost_per_new_buyer"] = grouped["giveaway_cost"] / grouped["new_buyers"].replace(0, np.nan)
    return grouped.reset_index()
