"""Pinduoduo-style social commerce, simulated month by month: team buying (拼团), bargain fission (砍价免费拿),
paid acquisition, 百亿补贴 subsidies, repeat purchases and churn, and the platform's monthly P&L.

The mechanism, per month (vectorised over users and purchases; the only Python loop is over months):
1. New buyers arrive organically and from the paid budget (cost per new buyer by city tier, rising as the
   tier's market fills up); subsidies pull extra higher-tier buyers. Existing buyers' bargain campaigns bring
   helpers, some of whom sign up to help and then place a first order.
2. Every live buyer has purchase intents (Poisson, more when prices are lower). Each intent is a solo order or
   opens a team at the team price; a team is shared on WeChat (lower tiers share more, to more contacts),
   friends click, and the team completes if `team_size − 1` partners join within `team_window_hours`.
   Partners are existing buyers or new users who signed up through the share: the viral loop.
3. Failed teams are refunded; buyers churn at the end of the month.
Every random number is keyed by where it is used (`generators.keyed`: this buyer, this month, their k-th
purchase, this team's partner slot), so a run that differs only by a lever (e.g. `subsidy_rate`) is identical
before the lever acts and, after it, gives every buyer the same numbers: common random numbers, so that the
comparison of the two runs shows the lever and little chance.
Constants marked "assumption" have no source; docs/SOURCES.md's figures are the calibration targets.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generators import keyed
from generators.common import (
    CITY,
    CITY_TIER,
    ORDER_KEY,
    ORDERS_PER_SCALE,
    PiecesVoid,
    Seeds,
    arrow_column,
    city_text,
    distinct_order,
    id_range,
    id_text,
    id_width,
    labels,
    money,
    month_slices,
    name_text,
    plain_columns,
    sample_city_codes,
    sample_name_codes,
    time_order,
)
from helpers.core.errors import ParameterError
from helpers.core.festivals import festival_multiplier
from helpers.core.messages import message
from helpers.core.schema import Column, Table

START = "2017-01-01"
TIER_LABELS = ("Tier 1", "Tier 2", "Tier 3", "Tier 4", "Tier 5+")
SOURCES = ("organic", "paid", "team_share", "bargain")
VIRAL_SOURCES = ("team_share", "bargain")
MODES = ("solo", "team")
STATUSES = ("completed", "refunded")
SHARE_TYPES = ("team", "bargain")

# Catalogue (assumption): median solo price ¥, price spread (lognormal sigma), merchant cost / solo price.
CATEGORIES = ("farm produce", "daily goods", "apparel", "electronics")
MEDIAN_PRICE = np.array([30.0, 42.0, 75.0, 180.0])
PRICE_SIGMA = np.array([0.45, 0.5, 0.5, 0.55])
COST_RATIO = np.array([0.70, 0.66, 0.52, 0.86])
SUBSIDISED = np.array([False, False, False, True])  # 百亿补贴 targets branded electronics
# Category mix of purchase intents by city tier (rows tier 1…5, assumption): higher tiers buy more electronics.
CATEGORY_MIX = np.array(
    [
        [0.28, 0.30, 0.26, 0.16],
        [0.33, 0.30, 0.25, 0.12],
        [0.40, 0.31, 0.20, 0.09],
        [0.44, 0.31, 0.18, 0.07],
        [0.48, 0.31, 0.15, 0.06],
    ]
)

# City tiers 1…5 (assumption unless noted): lower tiers are more price-sensitive and share more.
MARKET_AT_SCALE_1 = np.array([2_000, 5_400, 3_500, 3_000, 3_200])  # reachable buyers per tier
ARRIVAL_MIX = np.array([0.17, 0.46, 0.17, 0.11, 0.09])  # organic and paid arrivals by tier
PAID_CAC = np.array([120.0, 90.0, 60.0, 50.0, 45.0])  # ¥ per new buyer while the tier is untouched
WECHAT_CONTACTS = np.array([6.0, 8.0, 10.0, 12.0, 13.0])  # friends reached per share
SHARE_PROB = np.array([0.45, 0.55, 0.70, 0.78, 0.82])  # a team opener shares the team on WeChat
TEAM_PULL = np.array([6.0, 7.5, 9.0, 10.0, 11.0])  # P(team) = 1 − exp(−pull × group_discount)
PRICE_ELASTICITY = np.array([0.5, 0.7, 1.0, 1.2, 1.4])  # intents × (1 + elasticity × effective discount)
MONTHLY_CHURN = np.array([0.10, 0.09, 0.08, 0.075, 0.075])
SUBSIDY_PULL = np.array([6.0, 4.0, 1.5, 0.5, 0.0])  # extra arrivals × (1 + pull × subsidy_rate)

ORGANIC_PER_MONTH = 40.0  # organic new buyers per month at scale 1
ORDERS_PER_BUYER_MONTH = 1.25  # mean purchase intents per live buyer per month at full price (≈50k orders at scale 1)
PARTNER_ARRIVAL_HOURS = 4.0  # mean time for an interested partner to join a team
STRANGER_PARTNERS = 2.0  # buyers joining from the product page's open-team list, per team
CLICK_PROB = (0.15, 0.8)  # a friend who sees a team share clicks: base + slope × group_discount
JOIN_PROB = (0.5, 1.2)  # a clicker joins the team: base + slope × group_discount (capped at 1)
SAME_TIER_FRIENDS = 0.85  # share of a sharer's recruits who live in the same city tier
NON_USER_SHARE = 0.75  # share of contacts who are not yet buyers, when the tier's market is untouched
SIGNUP_PROB = 0.13  # a non-user who clicks a team share signs up
BARGAIN_START = 0.06  # share of live buyers starting a bargain per month when 3 friends are needed
BARGAIN_ASK = 1.6  # friends asked per WeChat contact when bargaining
BARGAIN_FIRST_ORDER = 0.12  # a helper who signed up to help places a first order
BARGAIN_ITEM_PRICE = 25.0  # median value of a bargain item, ¥
BARGAIN_ITEM_COST = 0.7  # the platform buys the free item at this share of its value
BARGAIN_ORDER_DAYS = 2.5  # mean days from helping a bargain to a new user's first order
NEWCOMER_INTENTS = 0.5  # a new buyer's purchases in their first month, beyond the first, vs a full month
NEW_USER_COUPON = 3.0  # ¥ coupon on every new buyer's first order
AD_RATE = (0.006, 0.022)  # merchants' ad spend / GMV, ramping over the simulation (2017→18: revenue 1.2%→2.8% of GMV)
COST_PER_ORDER = 0.2  # payment, servers, customer service per order, ¥
FIXED_COST_PER_MONTH = 300.0  # R&D and admin at scale 1, ¥

SCHEMA = {
    "users": Table(
        "users",
        "One row per buyer: city tier, how they were acquired, by whom, and at what cost.",
        (
            Column("user_id", "str", "user key", unique=True),
            Column("name", "str", "user name (synthetic, zh_CN)"),
            CITY,
            CITY_TIER,
            Column("wechat_contacts", "int", "friends a share of theirs reaches on average", min=0),
            Column(
                "acquired_via",
                "str",
                "how the user came: organic, paid ads, a team share or a bargain share",
                choices=SOURCES,
            ),
            Column("referred_by", "str", "user whose share brought them (users.user_id)", nullable=True),
            Column("referral_share_id", "str", "the share that brought them (shares.share_id)", nullable=True),
            Column("first_order_at", "datetime", "time of the first order (it may have been refunded)"),
            Column("acquisition_cost", "float", "paid-ads cost of acquiring this user, ¥ (0 when not paid)", min=0),
        ),
    ),
    "orders": Table(
        "orders",
        "One row per order, solo or as part of a team; failed teams are refunded.",
        (
            ORDER_KEY,
            Column("user_id", "str", "buyer (users.user_id)"),
            Column("ordered_at", "datetime", "payment time"),
            Column("category", "str", "product category", choices=CATEGORIES),
            Column("mode", "str", "solo purchase or team purchase (拼团)", choices=MODES),
            Column("team_id", "str", "team joined or opened (teams.team_id)", nullable=True),
            Column("list_amount", "float", "solo price, ¥", min=0),
            Column("amount", "float", "paid by the buyer after the team discount and subsidy, ¥", min=0),
            Column("subsidy", "float", "paid by the platform (百亿补贴), ¥", min=0),
            Column("merchant_cost", "float", "merchant's cost of the goods, ¥", min=0),
            Column("status", "str", "completed, or refunded because the team did not fill", choices=STATUSES),
        ),
    ),
    "teams": Table(
        "teams",
        "One row per team opened: was it shared, how many joined, did it complete in time.",
        (
            Column("team_id", "str", "team key", unique=True),
            Column("opener_id", "str", "user who opened the team (users.user_id)"),
            Column("category", "str", "product category", choices=CATEGORIES),
            Column("opened_at", "datetime", "time the team opened"),
            Column("team_size", "int", "buyers needed, the opener included", min=2),
            Column("shared", "bool", "the opener shared it on WeChat"),
            Column("partners_joined", "int", "partners who joined within the window", min=0),
            Column("completed", "bool", "enough partners joined within the window: ships at the team price"),
            Column("closed_at", "datetime", "when it filled, or when the window ran out"),
        ),
    ),
    "shares": Table(
        "shares",
        "One row per WeChat share of a team or a bargain: the viral funnel.",
        (
            Column("share_id", "str", "share key", unique=True),
            Column("user_id", "str", "sharer (users.user_id)"),
            Column("share_type", "str", "a team invitation or a bargain (砍价) request", choices=SHARE_TYPES),
            Column("team_id", "str", "the shared team (teams.team_id); empty for bargains", nullable=True),
            Column("shared_at", "datetime", "time of the share"),
            Column("reached", "int", "friends who saw it", min=0),
            Column("clicks", "int", "friends who clicked (for a bargain: helped)", min=0),
            Column("signups", "int", "clickers who were not users and signed up", min=0),
            Column("first_orders", "int", "new users whose first order came from this share", min=0),
            Column("friends_needed", "int", "bargain: helpers needed for the free item (0 for teams)", min=0),
            Column("item_given", "bool", "bargain: enough friends helped and the item was given free"),
            Column("giveaway_cost", "float", "bargain: cost of the free item to the platform, ¥", min=0),
        ),
    ),
    "monthly_finance": Table(
        "monthly_finance",
        "The platform's monthly P&L from completed orders.",
        (
            Column("month", "date", "first day of the month"),
            Column("orders", "int", "completed orders", min=0),
            Column("active_buyers", "int", "users with a completed order in the month", min=0),
            Column("new_buyers", "int", "users whose first order fell in the month", min=0),
            Column("gmv", "float", "value of completed orders before the platform subsidy, ¥", min=0),
            Column("commission_revenue", "float", "take rate × GMV, ¥", min=0),
            Column("ad_revenue", "float", "merchants' advertising, ¥", min=0),
            Column("revenue", "float", "commission + ads, ¥", min=0),
            Column("subsidy_cost", "float", "百亿补贴 paid on completed orders, ¥", min=0),
            Column("paid_acquisition_cost", "float", "ads bought to acquire new users, ¥", min=0),
            Column("bargain_giveaway_cost", "float", "items given free in 砍价免费拿, ¥", min=0),
            Column("coupon_cost", "float", "new-user coupons, ¥", min=0),
            Column("marketing_expense", "float", "subsidies + paid acquisition + giveaways + coupons, ¥", min=0),
            Column("other_operating_cost", "float", "payments, servers, service, R&D and admin, ¥", min=0),
            Column("net_income", "float", "revenue − marketing − other costs, ¥"),
        ),
    ),
}


@dataclass(frozen=True)
class Config:
    """The generator's levers; names match the workbook parameters."""

    seed: int = 42
    scale: float = 1.0
    months: int = 24
    group_discount: float = 0.25
    team_size: int = 2
    team_window_hours: int = 24
    bargain_enabled: bool = True
    bargain_friends_start: int = 5
    paid_budget_per_month: float = 700.0
    subsidy_rate: float = 0.08
    subsidy_start_month: int = 19
    take_rate: float = 0.006


def check_parameters(values: dict) -> None:
    """Rules across parameters: a subsidy must start within the simulated months."""
    months = values.get("months", Config.months)
    start = values.get("subsidy_start_month", Config.subsidy_start_month)
    if values.get("subsidy_rate", Config.subsidy_rate) > 0 and start > months:
        raise ParameterError(message("errors.rule.subsidy_start", start=start, months=months))


def subsidy_on(config: Config, month: int) -> bool:
    """True when 百亿补贴 runs in simulation month `month` (0-based; the parameter counts from 1)."""
    return config.subsidy_rate > 0 and month + 1 >= config.subsidy_start_month


def team_probability(group_discount: float) -> np.ndarray:
    """Chance per tier that a purchase is made as a team: zero without a discount, near 1 for a deep one."""
    return 1 - np.exp(-TEAM_PULL * group_discount)


# ---------------------------------------------------------------- the monthly simulation


class _Draw(IntEnum):
    """Labels of the keyed draws: each use of randomness has its own, so that no two uses share a number."""

    CONTACTS, RATE, CHURN_PROPENSITY, DAY, SECOND, SAME_TIER, OTHER_TIER = range(1, 8)
    ARRIVALS, BARGAIN, INTENTS, CHURN = range(10, 14)
    NEEDED, ASKED, SIGNUPS, FIRST_ORDERS, ITEM, DELAY, NEW_USER = range(20, 27)
    LATER, CATEGORY, PRICE, TEAM = range(30, 34)
    SHARED, REACHED, CLICKS, NON_USERS, SIGNED, NEW_KEEN, OLD_KEEN, STRANGERS = range(40, 48)
    NEW_IN_TIME, OLD_IN_TIME, NEW_SLOT, PICK = range(48, 52)


PICK_ATTEMPTS = 8  # tries of the stable partner pick before falling back to wrapping around


class _Simulation:
    """State of the month-by-month run: users so far, and the rows of each table as month chunks.

    Every random number is keyed (`generators.keyed`) by where it is used: a user's traits by the user's key, a
    month's draws by (user, month), an order's by (buyer, month, k-th purchase of the month), a team's partners
    by (order, slot). A user's key comes from how they arrived (month, source, tier and arrival number, or the
    share that brought them), so two runs that differ only by a lever give the same user the same numbers:
    common random numbers, and the comparison of the runs shows the lever's effect and little chance."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.seeds = Seeds(config.seed)
        self.root = keyed.stream(config.seed, "pinduoduo")
        self.month_starts = pd.date_range(START, periods=config.months + 1, freq="MS")
        self.market = MARKET_AT_SCALE_1 * config.scale
        self.users = {
            k: np.empty(0, dtype=t)
            for k, t in (
                ("key", np.uint64),
                ("tier", int),
                ("contacts", int),
                ("rate", float),
                ("churn", float),
                ("alive", bool),
                ("source", int),
                ("referrer", int),
                ("share", int),
                ("first", "datetime64[s]"),
                ("cost", float),
            )
        }
        self.orders: list[dict[str, np.ndarray]] = []
        self.teams: list[dict[str, np.ndarray]] = []
        self.shares: list[dict[str, np.ndarray]] = []
        self.n_teams = 0
        self.n_shares = 0
        self.days = [
            pd.date_range(self.month_starts[m], self.month_starts[m + 1] - pd.Timedelta(days=1))
            for m in range(config.months)
        ]
        self.day_weight = [festival_multiplier(days, strength=0.6) for days in self.days]

    # ------------------------------------------------------------ helpers
    def headroom(self) -> np.ndarray:
        """Share of each tier's market not yet acquired (1 = untouched, 0 = saturated)."""
        counts = np.bincount(self.users["tier"] - 1, minlength=5) if len(self.users["tier"]) else np.zeros(5)
        return np.clip(1 - counts / self.market, 0.0, 1.0)

    def times(self, month: int, keys: np.ndarray) -> np.ndarray:
        """A time in `month` for each key, more on festival days, between 07:00 and midnight."""
        day = keyed.choice(keyed.uniform(keys, _Draw.DAY), self.day_weight[month])
        seconds = 7 * 3600 + (keyed.uniform(keys, _Draw.SECOND) * (17 * 3600)).astype("int64")
        return self.days[month].to_numpy().astype("datetime64[s]")[day] + seconds.astype("timedelta64[s]")

    def month_end(self, month: int) -> np.datetime64:
        """The first second after `month`."""
        return self.month_starts[month + 1].to_datetime64().astype("datetime64[s]")

    def season(self, month: int) -> float:
        """Mean festival lift of the month's days: Double 11 months sell more."""
        return float(self.day_weight[month].mean())

    def add_users(
        self,
        keys: np.ndarray,
        tiers: np.ndarray,
        source: int,
        first: np.ndarray,
        referrer: np.ndarray | None = None,
        share: np.ndarray | None = None,
        cost: np.ndarray | None = None,
    ) -> np.ndarray:
        """Append new users of one source, their traits drawn from their keys; returns their indices."""
        n = len(tiers)
        start = len(self.users["tier"])
        new = {
            "key": keys.astype(np.uint64),
            "tier": tiers.astype(int),
            "contacts": keyed.poisson(keyed.uniform(keys, _Draw.CONTACTS), WECHAT_CONTACTS[tiers - 1]),
            "rate": keyed.gamma(keyed.uniform(keys, _Draw.RATE), 0.7, ORDERS_PER_BUYER_MONTH / 0.7),
            "churn": np.clip(
                keyed.beta22(keyed.uniform(keys, _Draw.CHURN_PROPENSITY)) * 2 * MONTHLY_CHURN[tiers - 1],
                0.005,
                0.9,
            ),
            "alive": np.ones(n, dtype=bool),
            "source": np.full(n, source),
            "referrer": referrer if referrer is not None else np.full(n, -1),
            "share": share if share is not None else np.full(n, -1),
            "first": first.astype("datetime64[s]"),
            "cost": cost if cost is not None else np.zeros(n),
        }
        for name, values in new.items():
            self.users[name] = np.concatenate([self.users[name], values])
        return np.arange(start, start + n)

    def contact_tiers(self, keys: np.ndarray, tiers: np.ndarray) -> np.ndarray:
        """Tiers of friends recruited by sharers in `tiers`: mostly the same tier (friends live nearby)."""
        same = keyed.uniform(keys, _Draw.SAME_TIER) < SAME_TIER_FRIENDS
        other = 1 + keyed.choice(keyed.uniform(keys, _Draw.OTHER_TIER), MARKET_AT_SCALE_1.astype(float))
        return np.where(same, tiers, other)

    # ------------------------------------------------------------ step 1: arrivals
    def arrivals(self, month: int) -> np.ndarray:
        """Organic and paid new buyers of the month; returns their indices."""
        config = self.config
        room = self.headroom()
        pull = 1 + SUBSIDY_PULL * config.subsidy_rate * subsidy_on(config, month)
        cac = PAID_CAC / np.maximum(room, 0.05) / (1 + 0.5 * (pull - 1))  # a subsidised price converts ads better
        budget = config.paid_budget_per_month * config.scale * ARRIVAL_MIX
        means = {
            "organic": ORGANIC_PER_MONTH * config.scale * ARRIVAL_MIX * pull * room,
            "paid": budget / cac * (room > 0),
        }
        added = []
        for source, mean in means.items():
            code = SOURCES.index(source)
            tier_key = keyed.key(self.root, _Draw.ARRIVALS, month, code, np.arange(1, 6))
            count = keyed.poisson(keyed.uniform(tier_key, _Draw.ARRIVALS), mean)
            tiers = np.repeat(np.arange(1, 6), count)
            keys = keyed.key(np.repeat(tier_key, count), _ranks(count))
            cost = money(cac[tiers - 1]) if source == "paid" else None
            added.append(self.add_users(keys, tiers, code, self.times(month, keys), cost=cost))
        return np.concatenate(added)

    # ------------------------------------------------------------ step 1b: bargain campaigns
    def bargains(self, month: int, live: np.ndarray) -> np.ndarray:
        """砍价免费拿 campaigns of live buyers: helpers click, non-users sign up to help; returns new buyers."""
        config = self.config
        if not config.bargain_enabled:
            return np.empty(0, dtype=int)
        start_prob = BARGAIN_START * 8 / (5 + config.bargain_friends_start)  # fewer try when more friends are needed
        month_keys = keyed.key(self.users["key"][live], month, _Draw.BARGAIN)
        starts = keyed.uniform(month_keys, _Draw.BARGAIN) < start_prob
        who, bk = live[starts], month_keys[starts]
        n = len(who)
        tiers = self.users["tier"][who]
        needed = config.bargain_friends_start + 2 * keyed.binomial(keyed.uniform(bk, _Draw.NEEDED), 3, 0.5)
        asked = keyed.poisson(keyed.uniform(bk, _Draw.ASKED), BARGAIN_ASK * self.users["contacts"][who])
        helpers = np.minimum(asked, needed)  # "invite 2 more", up to 3 times
        given = asked >= needed
        room = self.headroom()[tiers - 1]
        signups = keyed.binomial(keyed.uniform(bk, _Draw.SIGNUPS), helpers, NON_USER_SHARE * room)
        first_orders = keyed.binomial(keyed.uniform(bk, _Draw.FIRST_ORDERS), signups, BARGAIN_FIRST_ORDER)
        shared_at = self.times(month, bk)
        item_value = BARGAIN_ITEM_PRICE * keyed.lognormal(keyed.uniform(bk, _Draw.ITEM), 0.4)
        item_cost = money(item_value * BARGAIN_ITEM_COST * given)
        share_ids = self.n_shares + np.arange(n)
        self.n_shares += n
        self.shares.append(
            {
                "share": share_ids,
                "user": who,
                "type": np.full(n, 1),
                "team": np.full(n, -1),
                "at": shared_at,
                "reached": asked,
                "clicks": helpers,
                "signups": signups,
                "first_orders": first_orders,
                "needed": needed,
                "given": given,
                "cost": item_cost,
            }
        )
        parent = np.repeat(np.arange(n), first_orders)
        keys = keyed.key(bk[parent], _Draw.NEW_USER, _ranks(first_orders))
        delay = keyed.exponential(keyed.uniform(keys, _Draw.DELAY), BARGAIN_ORDER_DAYS * 86400)
        first = shared_at[parent] + delay.astype("int64").astype("timedelta64[s]")
        first = np.minimum(first, self.month_end(month) - np.timedelta64(1, "s"))
        return self.add_users(
            keys,
            self.contact_tiers(keys, tiers[parent]),
            SOURCES.index("bargain"),
            first,
            referrer=who[parent],
            share=share_ids[parent],
        )

    # ------------------------------------------------------------ step 2: purchases and teams
    def purchases(self, month: int, existing: np.ndarray, newcomers: np.ndarray) -> None:
        """Intents of live buyers → solo orders and teams; teams recruit partners, some of them new users."""
        config, users = self.config, self.users
        d, on = config.group_discount, subsidy_on(config, month)
        p_team = team_probability(d)
        effective = p_team * d + on * config.subsidy_rate * CATEGORY_MIX[:, 3]
        lift = 1 + PRICE_ELASTICITY * effective
        season = self.season(month)
        buyers = np.concatenate([existing, newcomers])
        mean = users["rate"][buyers] * season * lift[users["tier"][buyers] - 1]
        mean[len(existing) :] *= NEWCOMER_INTENTS
        month_keys = keyed.key(users["key"][buyers], month, _Draw.INTENTS)
        count = keyed.poisson(keyed.uniform(month_keys, _Draw.INTENTS), mean)
        count[len(existing) :] += 1  # a newcomer's first order
        who = np.repeat(buyers, count)
        keys = keyed.key(np.repeat(month_keys, count), _ranks(count))  # (buyer, month, k-th purchase)
        n_e = int(count[: len(existing)].sum())
        at = self.times(month, keys)
        # A newcomer's first intent is at their first order time; later ones fall between it and the month end.
        first = users["first"][who[n_e:]]
        span = (self.month_end(month) - first).astype("int64")
        later = first + (keyed.uniform(keys[n_e:], _Draw.LATER) * span).astype("int64").astype("timedelta64[s]")
        is_first = np.zeros(len(first), dtype=bool)
        is_first[(np.cumsum(count) - count)[len(existing) :] - n_e] = True
        at[n_e:] = np.where(is_first, first, later)
        tiers = users["tier"][who]
        tier_weights = CATEGORY_MIX * np.where(SUBSIDISED & on, 1 + 3 * config.subsidy_rate, 1.0)
        category = np.empty(len(who), dtype=int)
        u = keyed.uniform(keys, _Draw.CATEGORY)
        for tier in range(1, 6):  # one row of category weights per tier
            rows = tiers == tier
            category[rows] = keyed.choice(u[rows], tier_weights[tier - 1])
        price_factor = keyed.lognormal(keyed.uniform(keys, _Draw.PRICE), PRICE_SIGMA[category])
        list_price = money(MEDIAN_PRICE[category] * price_factor)
        team = keyed.uniform(keys, _Draw.TEAM) < p_team[tiers - 1]
        self.add_orders(who, at, category, list_price, np.where(team, -1, -2), month)
        self.open_teams(month, who[team], at[team], category[team], list_price[team], keys[team])

    def open_teams(
        self,
        month: int,
        opener: np.ndarray,
        at: np.ndarray,
        category: np.ndarray,
        list_price: np.ndarray,
        keys: np.ndarray,
    ) -> None:
        """Share each team, recruit partners within the window, record teams, shares and partner orders."""
        config, users = self.config, self.users
        n, d = len(opener), config.group_discount
        tiers = users["tier"][opener]
        team_ids = self.n_teams + np.arange(n)
        self.n_teams += n
        self.orders[-1]["team"][self.orders[-1]["team"] == -1] = team_ids  # openers' orders, in order

        def draw(label: _Draw) -> np.ndarray:
            return keyed.uniform(keys, label)

        shared = draw(_Draw.SHARED) < SHARE_PROB[tiers - 1]
        reached = np.zeros(n, dtype=np.int64)  # an unshared team reaches nobody: draw only for the shared
        reached[shared] = keyed.poisson(draw(_Draw.REACHED)[shared], users["contacts"][opener[shared]])
        clicks = keyed.binomial(draw(_Draw.CLICKS), reached, min(0.9, CLICK_PROB[0] + CLICK_PROB[1] * d))
        room = self.headroom()[tiers - 1]
        non_user_clicks = keyed.binomial(draw(_Draw.NON_USERS), clicks, NON_USER_SHARE * room)
        signups = keyed.binomial(draw(_Draw.SIGNED), non_user_clicks, SIGNUP_PROB)
        join = min(1.0, JOIN_PROB[0] + JOIN_PROB[1] * d)
        new_keen = keyed.binomial(draw(_Draw.NEW_KEEN), signups, join)
        old_keen = keyed.binomial(draw(_Draw.OLD_KEEN), clicks - non_user_clicks, join) + keyed.poisson(
            draw(_Draw.STRANGERS), np.full(n, STRANGER_PARTNERS * (0.5 + d))
        )
        in_time = 1 - np.exp(-config.team_window_hours / PARTNER_ARRIVAL_HOURS)
        new_arrived = keyed.binomial(draw(_Draw.NEW_IN_TIME), new_keen, in_time)
        old_arrived = keyed.binomial(draw(_Draw.OLD_IN_TIME), old_keen, in_time)
        needed = config.team_size - 1
        joined = np.minimum(new_arrived + old_arrived, needed)
        completed = joined >= needed
        # Partner slots in the order they filled; each is a new user with chance new left ÷ all left (so the
        # number of new users among the joined is hypergeometric), then its join delay, truncated to the window.
        slot_team = np.repeat(np.arange(n), joined)
        slot = _ranks(joined)
        slot_keys = keyed.key(keys[slot_team], _Draw.NEW_SLOT, slot)
        is_new = np.zeros(len(slot_team), dtype=bool)
        new_left, old_left = new_arrived.copy(), old_arrived.copy()
        for rank in range(needed):
            rows = np.flatnonzero(slot == rank)
            team = slot_team[rows]
            pick = keyed.uniform(slot_keys[rows], _Draw.NEW_SLOT) * (new_left[team] + old_left[team]) < new_left[team]
            is_new[rows] = pick
            new_left[team] -= pick
            old_left[team] -= ~pick
        new_joined = np.bincount(slot_team[is_new], minlength=n)
        window = config.team_window_hours * 3600.0
        u = keyed.uniform(slot_keys, _Draw.DELAY)
        delay = -PARTNER_ARRIVAL_HOURS * 3600 * np.log(1 - u * (1 - np.exp(-window / (PARTNER_ARRIVAL_HOURS * 3600))))
        end = self.month_starts[-1].to_datetime64().astype("datetime64[s]") - np.timedelta64(1, "s")
        join_at = np.minimum(at[slot_team] + delay.astype("int64").astype("timedelta64[s]"), end)
        filled_at = at.copy()
        np.maximum.at(filled_at, slot_team, join_at)
        closed = np.where(completed, filled_at, at + np.timedelta64(int(window), "s"))
        share_ids = np.full(n, -1)
        share_ids[shared] = self.n_shares + np.arange(shared.sum())
        self.n_shares += int(shared.sum())
        self.teams.append(
            {
                "team": team_ids,
                "opener": opener,
                "category": category,
                "at": at,
                "shared": shared,
                "joined": joined,
                "completed": completed,
                "closed": closed,
            }
        )
        self.shares.append(
            {
                "share": share_ids[shared],
                "user": opener[shared],
                "type": np.zeros(shared.sum(), int),
                "team": team_ids[shared],
                "at": at[shared],
                "reached": reached[shared],
                "clicks": clicks[shared],
                "signups": signups[shared],
                "first_orders": new_joined[shared],
                "needed": np.zeros(shared.sum(), int),
                "given": np.zeros(shared.sum(), bool),
                "cost": np.zeros(shared.sum()),
            }
        )
        new_team = slot_team[is_new]
        new_keys = keyed.key(slot_keys[is_new], _Draw.NEW_USER)
        new_users = self.add_users(
            new_keys,
            self.contact_tiers(new_keys, tiers[new_team]),
            SOURCES.index("team_share"),
            join_at[is_new],
            referrer=opener[new_team],
            share=share_ids[new_team],
        )
        partner = np.empty(len(slot_team), dtype=int)
        partner[is_new] = new_users
        old = np.flatnonzero(~is_new)
        picked = self.pick_partners(month, slot_keys[old], tiers[slot_team[old]], opener[slot_team[old]], join_at[old])
        partner[old] = picked
        # Before anyone else has bought, a stranger joining from the app is a new organic user.
        none = old[picked < 0]
        stranger_keys = keyed.key(slot_keys[none], _Draw.NEW_USER)
        partner[none] = self.add_users(stranger_keys, tiers[slot_team[none]], SOURCES.index("organic"), join_at[none])
        self.add_orders(partner, join_at, category[slot_team], list_price[slot_team], team_ids[slot_team], month)
        failed = np.zeros(self.n_teams + 1, dtype=bool)  # by team index; the last entry stands for "no team"
        failed[team_ids[~completed]] = True
        for chunk in self.orders[-2:]:
            chunk["refunded"] |= failed[np.where(chunk["team"] >= 0, chunk["team"], -1)]

    def pick_partners(
        self, month: int, keys: np.ndarray, tiers: np.ndarray, opener: np.ndarray, at: np.ndarray
    ) -> np.ndarray:
        """Existing live buyers joining teams, frequent shoppers more often: a buyer of the opener's tier (else
        any tier) whose first order came before `at`, never the opener; −1 where there is none yet.

        The pick is stable between runs that differ only by a lever: the pool lists the buyers from before the
        month by index (the same buyers in both runs) and the month's newcomers after them, and a slot's
        uniform is scaled by a capacity (total weight rounded up to a power of two) rather than by the pool's
        exact weight, retried when it falls beyond the buyers who had arrived by then. A slot whose number falls
        on an earlier buyer therefore picks the same buyer whoever else arrived."""
        users = self.users
        live = np.flatnonzero(users["alive"])
        start = self.month_starts[month].to_datetime64().astype("datetime64[s]")
        arrived = np.maximum(users["first"][live], start - np.timedelta64(1, "s"))  # earlier buyers tie: by index
        live = live[np.argsort(arrived, kind="stable")]
        picked = np.full(len(tiers), -1)
        for tier in range(1, 6):
            for pool in (live[users["tier"][live] == tier], live):
                mask = np.flatnonzero((tiers == tier) & (picked < 0))
                if not len(pool) or not len(mask):
                    continue
                weight = np.cumsum(users["rate"][pool])
                first = np.maximum(users["first"][pool], start - np.timedelta64(1, "s"))
                count = np.searchsorted(first, at[mask], side="right")
                total = np.where(count > 0, weight[np.maximum(count, 1) - 1], 0.0)
                value = _first_try_within(keys[mask], total, 2.0 ** np.ceil(np.log2(max(weight[-1], 1e-9))))
                index = np.minimum(np.searchsorted(weight, value, side="right"), np.maximum(count, 1) - 1)
                choice = np.where(count > 0, pool[index], -1)
                other = np.where(count > 1, pool[(index + 1) % np.maximum(count, 1)], -1)
                picked[mask] = np.where(choice == opener[mask], other, choice)
        return picked

    def add_orders(
        self,
        who: np.ndarray,
        at: np.ndarray,
        category: np.ndarray,
        list_price: np.ndarray,
        team: np.ndarray,
        month: int,
    ) -> None:
        """Append a chunk of orders; `team` is a team index, −1 (team to open) or −2 (solo)."""
        self.orders.append(
            {
                "user": who,
                "at": at,
                "category": category.astype(np.int8),  # small types: 14 bytes less per order at 10M orders
                "list": list_price,
                "team": team.copy(),
                "refunded": np.zeros(len(who), dtype=bool),
                "month": np.full(len(who), month, dtype=np.int16),
            }
        )

    # ------------------------------------------------------------ step 3: churn
    def churn(self, month: int) -> None:
        """Each live buyer leaves with their own monthly churn probability."""
        live = np.flatnonzero(self.users["alive"])
        u = keyed.uniform(keyed.key(self.users["key"][live], month, _Draw.CHURN), _Draw.CHURN)
        self.users["alive"][live[u < self.users["churn"][live]]] = False

    def step(self, month: int) -> None:
        """One month: arrivals and bargains, purchases and teams, churn."""
        existing = np.flatnonzero(self.users["alive"])
        newcomers = np.concatenate([self.arrivals(month), self.bargains(month, existing)])
        self.purchases(month, existing, newcomers)
        self.churn(month)

    def run(self) -> None:
        """All months in order."""
        for month in range(self.config.months):
            self.step(month)


def _first_try_within(keys: np.ndarray, total: np.ndarray, capacity: float) -> np.ndarray:
    """For each key, its first try (a uniform of the k-th `_Draw.PICK` draw × `capacity`) below its `total`, or
    the last of `PICK_ATTEMPTS` tries wrapped into [0, total) when none is. A try is drawn only for the keys
    still without one (most take the first), and each is the same number whichever keys are drawn with it."""
    value = np.empty(len(keys))
    waiting = np.arange(len(keys))
    for attempt in range(PICK_ATTEMPTS - 1):
        tried = keyed.uniform(keys[waiting], _Draw.PICK, attempt) * capacity
        within = tried < total[waiting]
        value[waiting[within]] = tried[within]
        waiting = waiting[~within]
        if not len(waiting):
            return value
    value[waiting] = keyed.uniform(keys[waiting], _Draw.PICK, PICK_ATTEMPTS - 1) * total[waiting]
    return value


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, c−1 for each count c, concatenated: each row's rank within its group."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


# ---------------------------------------------------------------- tables


def _stack(chunks: list[dict[str, np.ndarray]], keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([c[k] for c in chunks]) if chunks else np.empty(0) for k in keys}


@dataclass(frozen=True)
class _Ids:
    """Text ids of users (U), teams (T) and shares (S) numbered in time order (U000001 is the first buyer):
    `rank` is each simulation index's place in time, `label` its id (Arrow text), made once
    per kind and then only indexed."""

    rank: dict[str, np.ndarray]
    label: dict[str, pa.StringArray]

    @classmethod
    def of(cls, sim: _Simulation) -> _Ids:
        teams = _stack(sim.teams, ("team", "at"))
        shares = _stack(sim.shares, ("share", "at"))
        team_at = np.empty(sim.n_teams, dtype="datetime64[s]")
        team_at[teams["team"].astype(int)] = teams["at"]
        share_at = np.empty(sim.n_shares, dtype="datetime64[s]")
        share_at[shares["share"].astype(int)] = shares["at"]
        rank, label = {}, {}
        for prefix, times in (("U", sim.users["first"]), ("T", team_at), ("S", share_at)):
            rank[prefix] = np.empty(len(times), dtype=int)
            rank[prefix][time_order(times, np.arange(len(times)))] = np.arange(len(times))
            label[prefix] = id_text(prefix, rank[prefix] + 1, id_width(len(times)))
        return cls(rank, label)

    def text(self, prefix: str, index: np.ndarray) -> np.ndarray:
        """Ids such as T000012 for indices ≥ 0, and missing for negative ones (no link), as Arrow text."""
        return labels(self.label[prefix], index)

    def in_order(self, prefix: str, key: str, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The rows of `columns` sorted by their own id (`columns[key]` holds each row's index of kind `prefix`)."""
        order = distinct_order(self.rank[prefix][np.asarray(columns[key], dtype=int)])  # ranks are distinct
        for name in columns:  # one column at a time, so that only one unsorted copy is alive at once
            columns[name] = np.asarray(columns[name])[order]
        return columns


class _RunningIds:
    """Ids given month by month while the simulation runs on, for the tables written as it goes (orders, teams,
    shares): each month, the users whose first order fell in it, and its teams and shares, are numbered after
    those of the months before, in the order `_Ids` numbers them (by time, then simulation index). No later
    month can add to a month already numbered (whatever happens later happens later), so the ids are those
    of `_Ids`, as long as `digits` guessed their width right (`mismatch` tells, at the end)."""

    def __init__(self, digits: dict[str, int]) -> None:
        self.digits = digits
        self.rank = {prefix: np.empty(0, dtype=np.int64) for prefix in "UTS"}
        self.given = dict.fromkeys("UTSO", 0)
        self.unnumbered = np.empty(0, dtype=np.int64)  # users whose first order is after the months numbered

    def number_users(self, first: np.ndarray, end: np.datetime64) -> None:
        """Number the users whose first order (`first`, by simulation index) came before `end`."""
        known = len(self.rank["U"])
        self.rank["U"] = np.concatenate([self.rank["U"], np.full(len(first) - known, -1, dtype=np.int64)])
        waiting = np.concatenate([self.unnumbered, np.arange(known, len(first))])
        due = first[waiting] < end
        ready, self.unnumbered = waiting[due], waiting[~due]
        self._give("U", ready[time_order(first[ready], ready)])

    def in_order(self, prefix: str, key: str, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """A month's teams or shares numbered (by time, then index) and sorted by their new ids."""
        order = time_order(columns["at"], columns[key])
        columns = {name: values[order] for name, values in columns.items()}
        grown = np.full(max(int(columns[key].max(initial=-1)) + 1 - len(self.rank[prefix]), 0), -1, dtype=np.int64)
        self.rank[prefix] = np.concatenate([self.rank[prefix], grown])
        self._give(prefix, columns[key].astype(np.int64))
        return columns

    def _give(self, prefix: str, indices: np.ndarray) -> None:
        self.rank[prefix][indices] = self.given[prefix] + np.arange(len(indices))
        self.given[prefix] += len(indices)

    def text(self, prefix: str, index: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """Ids such as T000012 for indices ≥ 0 and missing for negative ones, as Arrow text (not a dictionary:
        the whole table's ids are not known yet)."""
        index = np.asarray(index, dtype=np.int64)
        missing = index < 0
        if missing.all():
            return arrow_column(pa.nulls(len(index), pa.string()))
        text = id_text(prefix, self.rank[prefix][np.where(missing, 0, index)] + 1, self.digits[prefix])
        if missing.any():
            text = pc.if_else(pa.array(~missing), text, pa.scalar(None, pa.string()))
        return arrow_column(text)

    def mismatch(self, totals: dict[str, int], first_pieces: dict[str, int]) -> str | None:
        """Why the pieces made so far are not the ones `_Ids` gives, or None: a width guessed wrong, or an id
        column that the whole-table writer keeps dictionary-encoded (a table whose first piece is at least as
        long as the ids it links to: see `helpers.app.datasets`), which running ids cannot be."""
        for prefix, total in totals.items():
            if id_width(total) != self.digits[prefix]:
                return f"{prefix} ids have {id_width(total)} digits, not {self.digits[prefix]}"
        for table, links in _LINKS.items():
            for prefix in links:
                if totals[prefix] <= first_pieces.get(table, -1):
                    return f"{table}: {first_pieces[table]} rows in the first piece, {totals[prefix]} {prefix} ids"
        return None


_ORDER_KEYS = ("user", "at", "category", "list", "team", "refunded", "month")


def _order_rows(sim: _Simulation) -> dict[str, np.ndarray]:
    """Every order as numbers, in time order (the order table's rows; the text columns come per slice)."""
    return _priced(sim.config, _stack(sim.orders, _ORDER_KEYS))


def _priced(config: Config, o: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Orders sorted by time, then buyer (then as they came), with what the buyer and the platform paid."""
    order = time_order(o["at"], o["user"])
    for key in o:  # one column at a time, so that only one unsorted copy is alive at once
        o[key] = o[key][order]
    amount = np.where(o["team"] >= 0, o["list"] * (1 - config.group_discount), o["list"])
    on = np.array([subsidy_on(config, m) for m in range(config.months)], dtype=bool)
    subsidy = money(amount * config.subsidy_rate * SUBSIDISED[o["category"]] * on[o["month"]])
    return o | {"amount": money(amount - subsidy), "subsidy": subsidy}


def _orders_table(
    rows: dict[str, np.ndarray],
    ids_: _Ids | _RunningIds,
    start: int = 0,
    stop: int | None = None,
    *,
    before: int = 0,
    width: int | None = None,
) -> pd.DataFrame:
    """Rows `start`…`stop` of the order table (ids numbered as in the whole table: `rows` are the orders after
    the first `before`, and `width` is the digits of the whole table's ids, by default those of `rows`)."""
    o = {k: v[start:stop] for k, v in rows.items()}
    width = width or id_width(len(rows["user"]))
    return pd.DataFrame(
        {
            "order_id": arrow_column(id_range("O", len(o["user"]), before + start + 1, width)),
            "user_id": ids_.text("U", o["user"]),
            "ordered_at": pd.to_datetime(o["at"]),
            "category": labels(CATEGORIES, o["category"]),
            "mode": labels(MODES, (o["team"] >= 0).astype(np.int8)),
            "team_id": ids_.text("T", o["team"]),
            "list_amount": money(o["list"]),
            "amount": o["amount"],
            "subsidy": o["subsidy"],
            "merchant_cost": money(o["list"] * COST_RATIO[o["category"]]),
            "status": labels(STATUSES, o["refunded"].astype(np.int8)),
        },
        copy=False,  # the month's slices and fresh arrays: neither copied nor consolidated into blocks
    )


def _user_rows(sim: _Simulation, ids_: _Ids) -> dict[str, np.ndarray]:
    """Every user as numbers (and drawn name and city), in id order, which is the order of first purchases."""
    u = sim.users
    rng = sim.seeds("identities")
    n = len(u["tier"])
    names, cities = sample_name_codes(rng, n), sample_city_codes(rng, u["tier"])
    keys = ("tier", "contacts", "source", "referrer", "share", "first", "cost")
    return ids_.in_order("U", "user", {"user": np.arange(n), "name": names, "city": cities} | {k: u[k] for k in keys})


def _users_table(rows: dict[str, np.ndarray], ids_: _Ids, start: int = 0, stop: int | None = None) -> pd.DataFrame:
    c = {k: v[start:stop] for k, v in rows.items()}
    return pd.DataFrame(
        {
            "user_id": ids_.text("U", c["user"]),
            "name": name_text(c["name"]),
            "city": city_text(c["city"]),
            "city_tier": c["tier"],
            "wechat_contacts": c["contacts"],
            "acquired_via": labels(SOURCES, c["source"]),
            "referred_by": ids_.text("U", c["referrer"]),
            "referral_share_id": ids_.text("S", c["share"]),
            "first_order_at": pd.to_datetime(c["first"]),
            "acquisition_cost": money(c["cost"]),
        },
        copy=False,
    )


_TEAM_KEYS = ("team", "opener", "category", "at", "shared", "joined", "completed", "closed")
_SHARE_KEYS = (
    "share",
    "user",
    "type",
    "team",
    "at",
    "reached",
    "clicks",
    "signups",
    "first_orders",
    "needed",
    "given",
    "cost",
)


def _team_rows(sim: _Simulation, ids_: _Ids) -> dict[str, np.ndarray]:
    """Every team as numbers, in id order (the order in which they opened)."""
    return ids_.in_order("T", "team", _stack(sim.teams, _TEAM_KEYS)) | {"size": np.array([sim.config.team_size])}


def _teams_table(
    rows: dict[str, np.ndarray], ids_: _Ids | _RunningIds, start: int = 0, stop: int | None = None
) -> pd.DataFrame:
    t = {k: v[start:stop] for k, v in rows.items() if k != "size"}
    return pd.DataFrame(
        {
            "team_id": ids_.text("T", t["team"]),
            "opener_id": ids_.text("U", t["opener"]),
            "category": labels(CATEGORIES, t["category"].astype(np.int8)),
            "opened_at": pd.to_datetime(t["at"]),
            "team_size": np.full(len(t["team"]), rows["size"][0]),
            "shared": t["shared"].astype(bool),
            "partners_joined": t["joined"].astype(int),
            "completed": t["completed"].astype(bool),
            "closed_at": pd.to_datetime(t["closed"]),
        },
        copy=False,
    )


def _share_rows(sim: _Simulation, ids_: _Ids) -> dict[str, np.ndarray]:
    """Every share as numbers, in id order (the order in which they were shared)."""
    return ids_.in_order("S", "share", _stack(sim.shares, _SHARE_KEYS))


def _shares_table(
    rows: dict[str, np.ndarray], ids_: _Ids | _RunningIds, start: int = 0, stop: int | None = None
) -> pd.DataFrame:
    s = {k: v[start:stop] for k, v in rows.items()}
    return pd.DataFrame(
        {
            "share_id": ids_.text("S", s["share"]),
            "user_id": ids_.text("U", s["user"]),
            "share_type": labels(SHARE_TYPES, s["type"].astype(np.int8)),
            "team_id": ids_.text("T", s["team"]),
            "shared_at": pd.to_datetime(s["at"]),
            "reached": s["reached"].astype(int),
            "clicks": s["clicks"].astype(int),
            "signups": s["signups"].astype(int),
            "first_orders": s["first_orders"].astype(int),
            "friends_needed": s["needed"].astype(int),
            "item_given": s["given"].astype(bool),
            "giveaway_cost": money(s["cost"]),
        },
        copy=False,
    )


def monthly_finance(config: Config, rows: dict[str, dict[str, np.ndarray]], months: pd.DatetimeIndex) -> pd.DataFrame:
    """The platform's monthly P&L from the order, user and share rows (as numbers: counted with `bincount`)."""
    first_month = months[0].to_datetime64().astype("datetime64[M]")

    def month_of(times: np.ndarray) -> np.ndarray:
        return (times.astype("datetime64[M]") - first_month).astype(np.int64)

    def by_month(month: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Sums of `values` (or counts) by month index."""
        return np.bincount(month, weights=values, minlength=len(months)).astype(float)

    o, u, s = rows["orders"], rows["users"], rows["shares"]
    done = ~o["refunded"].astype(bool)
    at, buyer = o["at"][done], o["user"][done].astype(np.int64)
    in_month = month_of(at)  # once: the calendar arithmetic of a million times is not free
    gmv = by_month(in_month, (o["amount"] + o["subsidy"])[done])
    bought = np.zeros((len(months), len(u["first"])), dtype=bool)  # buyer × month: did they buy?
    bought[in_month, buyer] = True
    active = bought.sum(axis=1)
    ad_rate = np.linspace(AD_RATE[0], AD_RATE[1], len(months))
    commission = money(gmv * config.take_rate)
    ads = money(gmv * ad_rate)
    revenue = commission + ads
    joined = month_of(u["first"])
    new_buyers = by_month(joined)
    subsidy = money(by_month(in_month, o["subsidy"][done]))
    paid = money(by_month(joined, money(u["cost"])))
    bargain = money(by_month(month_of(s["at"]), money(s["cost"].astype(float))))
    coupons = money(new_buyers * NEW_USER_COUPON)
    marketing = money(subsidy + paid + bargain + coupons)
    orders_n = by_month(in_month)
    other = money(orders_n * COST_PER_ORDER + FIXED_COST_PER_MONTH * config.scale)
    return pd.DataFrame(
        {
            "month": months.date,
            "orders": orders_n.astype(int),
            "active_buyers": active.astype(int),
            "new_buyers": new_buyers.astype(int),
            "gmv": money(gmv),
            "commission_revenue": commission,
            "ad_revenue": ads,
            "revenue": money(revenue),
            "subsidy_cost": subsidy,
            "paid_acquisition_cost": paid,
            "bargain_giveaway_cost": bargain,
            "coupon_cost": coupons,
            "marketing_expense": marketing,
            "other_operating_cost": other,
            "net_income": money(revenue - marketing - other),
        }
    )


def _run(config: Config) -> tuple[_Simulation, _Ids, dict[str, dict[str, np.ndarray]]]:
    """The simulation, its ids, and each big table's rows as numbers in id (= time) order."""
    sim = _Simulation(config)
    sim.run()
    # The orders are sorted on a second thread (NumPy sorts and gathers without the GIL) while this one numbers
    # the ids and orders the other tables: each reads its own part of the simulation, so nothing changes.
    with ThreadPoolExecutor(1, thread_name_prefix="pinduoduo-orders") as sorter:
        orders = sorter.submit(_order_rows, sim)
        ids_ = _Ids.of(sim)
        rows = {"users": _user_rows(sim, ids_), "teams": _team_rows(sim, ids_)}
        sim.teams.clear()  # each simulation chunk list is dropped once its table's rows exist (memory at 10M orders)
        rows["shares"] = _share_rows(sim, ids_)
        sim.shares.clear()
        rows["orders"] = orders.result()
    sim.orders.clear()
    return sim, ids_, {name: rows[name] for name in ("users", "orders", "teams", "shares")}


_BUILD = {"users": _users_table, "orders": _orders_table, "teams": _teams_table, "shares": _shares_table}
_TIME = {"users": "first", "orders": "at", "teams": "at", "shares": "at"}  # each table's time column, in order


def generate(config: Config) -> dict[str, pd.DataFrame]:
    """All tables of the Pinduoduo case for `config`; identical output for identical config."""
    sim, ids_, rows = _run(config)
    tables = {name: plain_columns(build(rows[name], ids_)) for name, build in _BUILD.items()}
    return tables | {"monthly_finance": monthly_finance(config, rows, sim.month_starts[:-1])}


# The tables `generate_in_chunks` hands over piece by piece; every other one comes whole, and is written at once.
TABLES_IN_PIECES = frozenset({"users", "orders", "teams", "shares"})


def generate_in_chunks(config: Config, *, as_it_runs: bool = True) -> Iterator[tuple[str, pd.DataFrame]]:
    """The same tables as `generate`, as (table, rows) pieces, so that a large dataset is written without ever
    holding a whole table as a frame: orders, teams and shares a month at a time while the simulation runs on
    (each month made into pieces on a second thread, so that the writer has them while the next months are
    simulated), then users month by month, and the P&L.

    The ids of the pieces made as it runs are numbered on a guess of their width; if the guess proves wrong
    (a run near a power of ten), the pieces so far are void: `PiecesVoid` is raised after the last month, and
    `as_it_runs=False` gives the right ones, every table made after the whole run."""
    if not as_it_runs:
        yield from _pieces_after_the_run(config)
        return
    sim = _Simulation(config)
    running = _RunningTables(config, _guessed_digits(config))
    with ThreadPoolExecutor(1, thread_name_prefix="pinduoduo-tables") as maker:
        made: deque[Future[list[tuple[str, pd.DataFrame]]]] = deque()
        for month in range(config.months):
            sim.step(month)
            chunks = (sim.orders[:], sim.teams[:], sim.shares[:])
            for chunk_list in (sim.orders, sim.teams, sim.shares):  # a month's chunks are final once it is over
                chunk_list.clear()
            made.append(maker.submit(running.month, sim.month_end(month), sim.users["first"], *chunks))
            while made and (len(made) > _MONTHS_AHEAD or made[0].done()):
                yield from made.popleft().result()
        while made:
            yield from made.popleft().result()
    ids_ = running.ids
    totals = {"U": len(sim.users["first"]), "T": sim.n_teams, "S": sim.n_shares, "O": ids_.given["O"]}
    why = ids_.mismatch(totals, running.first_pieces)
    if why is not None:
        raise PiecesVoid(why)
    whole = _Ids(ids_.rank, {p: id_text(p, ids_.rank[p] + 1, id_width(totals[p])) for p in "US"})
    users = _user_rows(sim, whole)
    for start, stop in month_slices(users["first"]):
        yield "users", _users_table(users, whole, start, stop)
    rows = {"orders": _stack(running.orders, tuple(running.orders[0])), "users": users}
    rows["shares"] = _stack(running.shares, _SHARE_KEYS)
    yield "monthly_finance", monthly_finance(config, rows, sim.month_starts[:-1])


_MONTHS_AHEAD = 2  # months the simulation may run ahead of the pieces made of them (memory)
_LINKS = {"orders": "UT", "teams": "U", "shares": "UT"}  # kinds of ids each table made as it runs links to


def _guessed_digits(config: Config) -> dict[str, int]:
    """Digits of each kind of id, guessed before the run: orders as the scale asks (`ORDERS_PER_SCALE` a scale
    over 24 months), users, teams and shares in the proportions of the calibrated run (≈6%, 50% and 35% of
    the orders). Wrong only near a power of ten, where it costs a second run (see `generate_in_chunks`)."""
    orders = ORDERS_PER_SCALE * config.scale * config.months / 24
    share = {"O": 1.0, "U": 0.06, "T": 0.5, "S": 0.35}
    return {prefix: id_width(round(orders * part)) for prefix, part in share.items()}


class _RunningTables:
    """The pieces of orders, teams and shares made month by month (on the maker thread, one month after
    another), and the numbers the P&L needs of them."""

    def __init__(self, config: Config, digits: dict[str, int]) -> None:
        self.config = config
        self.ids = _RunningIds(digits)
        self.later: dict[str, np.ndarray] | None = None  # orders timed after the months made (a team's partners)
        self.orders: list[dict[str, np.ndarray]] = []  # each month's order rows as numbers, for the P&L
        self.shares: list[dict[str, np.ndarray]] = []
        self.first_pieces: dict[str, int] = {}  # rows of each table's first piece with rows

    def month(
        self,
        end: np.datetime64,
        first: np.ndarray,
        orders: list[dict[str, np.ndarray]],
        teams: list[dict[str, np.ndarray]],
        shares: list[dict[str, np.ndarray]],
    ) -> list[tuple[str, pd.DataFrame]]:
        """The pieces of the month that ends at `end`, from its simulation chunks and the users' first orders."""
        ids_ = self.ids
        ids_.number_users(first, end)
        team_rows = ids_.in_order("T", "team", _stack(teams, _TEAM_KEYS))
        share_rows = ids_.in_order("S", "share", _stack(shares, _SHARE_KEYS))
        o = _stack([self.later, *orders] if self.later is not None else orders, _ORDER_KEYS)
        due = o["at"] < end
        self.later = {key: values[~due] for key, values in o.items()}
        order_rows = _priced(self.config, {key: values[due] for key, values in o.items()})
        pieces = [
            ("orders", _orders_table(order_rows, ids_, before=ids_.given["O"], width=ids_.digits["O"])),
            ("teams", _teams_table(team_rows | {"size": np.array([self.config.team_size])}, ids_)),
            ("shares", _shares_table(share_rows, ids_)),
        ]
        ids_.given["O"] += len(order_rows["user"])
        self.orders.append(order_rows)
        self.shares.append(share_rows)
        for name, frame in pieces:
            if len(frame):
                self.first_pieces.setdefault(name, len(frame))
        return pieces


def _pieces_after_the_run(config: Config) -> Iterator[tuple[str, pd.DataFrame]]:
    """`generate_in_chunks` with every table made after the whole run: users, orders, teams and shares month by
    month, then the P&L."""
    sim, ids_, rows = _run(config)
    for name, build in _BUILD.items():
        for start, stop in month_slices(rows[name][_TIME[name]]):
            yield name, build(rows[name], ids_, start, stop)
        if name == "teams":
            del rows["teams"]  # the P&L needs orders, users and shares only (memory at 10M orders)
    del ids_
    yield "monthly_finance", monthly_finance(config, rows, sim.month_starts[:-1])
