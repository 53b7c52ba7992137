"""Perfect Diary (完美日记): a KOL pyramid on Xiaohongshu, a WeChat private domain and an A/B coupon test.

The mechanism, month by month (a loop per month, vectorised over posts and customers):

- A KOL roster in four tiers (头部 top ≥500k followers, 腰部 mid 50k–500k, 初级 junior 5k–50k, 素人 amateur
  <5k) with followers, a fee per post, an engagement rate and an audience fit.
- The marketing budget (`marketing_budget_per_month` × `scale`) ramps up over the months, heavier before 618
  and Double 11. A share (`KOL_BUDGET_SHARE`) buys KOL posts, split by `kol_share_*`; the rest buys platform
  ads on Tmall. KOL fees rise every month (`FEE_INFLATION`) as more brands compete for the same accounts.
- Post → impressions → engagements → clicks to the Tmall store (+ later brand searches, 种草 → 拔草) →
  sessions → first orders. A tier saturates: the more a tier spends in a month, the more of the audience it
  reaches has already bought, so new buyers per ¥ fall as `(1 − e^(−x)) / x` with `x = spend / capacity`.
  Expected new buyers are `k · C · (1 − e^(−S/C))` for spend S: `response_parameters` gives k and C.
- A red-packet card in every parcel → a WeChat add (`wechat_add_rate`, more likely for loyal buyers: a
  selection effect) → active with the 小完子 persona → a higher monthly repurchase hazard, only when
  `private_domain_enabled`. Turning it off keeps the same customers and random numbers: the counterfactual.
- An A/B coupon test among private-domain contacts, sent by the persona (so only when the private domain is
  operated): `ab_test_share` enrolled, half to treatment. With `ab_assignment_bug` > 0 part of the treatment
  group silently falls back to control (more often the less engaged users), which breaks the sample ratio
  and biases the lift.
- Costs: COGS (catalogue margins ≈ 64%), KOL fees, platform ads, private-domain cost, fulfilment, other
  operating expenses: the monthly P&L.

Uniforms are drawn per customer and month whatever the levers, so two runs with the same seed differ only by
the lever (clean counterfactuals for the private domain and the A/B test).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.special import ndtr

from generators.common import (
    BUYER,
    CITY,
    CITY_TIER,
    CUSTOMER_KEY,
    CUSTOMER_NAME,
    FIRST_ORDER_DATE,
    ORDER_KEY,
    PAID_AT,
    Seeds,
    arrow_column,
    calendar_dates,
    city_text,
    day_column,
    id_range,
    id_width,
    ids,
    ids_of,
    labels,
    money,
    month_slices,
    name_text,
    plain_columns,
    sample_city_codes,
    sample_name_codes,
    sample_names,
    sample_tiers,
    time_order,
)
from helpers.core.errors import ParameterError
from helpers.core.festivals import festival_multiplier
from helpers.core.messages import message
from helpers.core.schema import Column, Table

TIERS = ("top", "mid", "junior", "amateur")
TIER_LABELS = {"top": "头部 top", "mid": "腰部 mid", "junior": "初级 junior", "amateur": "素人 amateur"}
SOURCES = (*TIERS, "platform_ads", "organic")
CHANNELS = ("Tmall", "WeChat mini program")
GROUPS = ("control", "treatment")
SHARE_TOLERANCE = 0.001


# Roster and post economics per tier (assumptions shaped by docs/SOURCES.md: fee per post ≈ ¥50–650 under 5k
# followers, ¥800–2,000 for 5k–50k, from ¥5,000 above 50k, ¥40–55k at 1M+; ≈5% of KOLs over 1M followers).
KOL_TIERS = pd.DataFrame(
    {
        "tier": TIERS,
        "roster_per_scale": [110, 180, 520, 780],  # KOLs on the roster at scale 1
        "followers_low": [500_000, 50_000, 5_000, 500],
        "followers_high": [5_000_000, 500_000, 50_000, 5_000],
        "pareto_alpha": [0.9, 1.0, 0.8, 0.5],  # most accounts sit near the bottom of their band
        "fee_low": [20_000, 5_000, 800, 50],  # ¥ per post at the bottom of the band
        "fee_high": [300_000, 20_000, 2_000, 650],  # ¥ per post at the top of the band
        "reach": [0.6, 0.8, 1.2, 2.0],  # impressions per follower (notes keep being found by search)
        "engagement": [0.02, 0.03, 0.04, 0.05],  # likes + collects + comments per impression
        "fit": [0.45, 0.55, 0.6, 0.6],  # mean audience fit with young female makeup buyers
        "capacity_per_scale": [90_000, 55_000, 23_000, 7_500],  # ¥ per month where the tier's audience saturates
    }
).set_index("tier")
CLICK_RATE = 0.25  # clicks to the store per fitting engagement
SEARCH_RATE = 0.60  # later brand searches on Tmall per fitting engagement (种草 → 拔草)
CONVERSION = 0.105  # first orders per session before saturation
IMPRESSION_NOISE = 0.35  # lognormal sigma of a post's impressions around followers × reach
FEE_INFLATION = 0.025  # KOL fees rise each month as more brands compete for the same accounts (assumption)
MAX_POSTS_PER_KOL = 4  # a tier cannot buy more than this many posts per KOL per month
KOL_BUDGET_SHARE = 0.8  # the rest of the marketing budget buys platform ads (assumption)
ADS_ORDERS_PER_YUAN = 1 / 45  # new buyers per ¥ of Tmall ads before saturation (assumption)
ADS_CAPACITY_PER_SCALE = 36_000
ORGANIC_PER_SCALE = 200  # new buyers a month who find the brand on their own (assumption)
BUDGET_RAMP = (0.35, 1.65)  # budget multiplier at the first and last month (mean 1)
BUDGET_SEASON = {2: 0.7, 6: 1.4, 10: 1.2, 11: 1.8, 12: 1.1}  # content before 618 and Double 11

# Repurchase: monthly hazard, lognormal heterogeneity tied to a loyalty score that also drives WeChat adds.
REPEAT_HAZARD = 0.055
LOYALTY_SPREAD = 0.7
ADD_SELECTION = 0.6  # add probability runs from (1 − s/2)× to (1 + s/2)× the rate with loyalty
ACTIVE_RATE = 0.55  # contacts who read and react to the persona's posts (when enabled)
ACTIVE_UPLIFT = 2.3  # repurchase hazard multiplier for active contacts
CONTACT_UPLIFT = 1.25  # for contacts who only see the Moments posts
PRIVATE_ORDER_SHARE = 0.6  # repeat orders of active contacts placed in the WeChat mini program
ADD_DELAY_DAYS = 10

# The A/B coupon test: sent to enrolled contacts on day 1 of month `months − AB_MONTHS_BEFORE_END`.
AB_MONTHS_BEFORE_END = 3
AB_WINDOW_DAYS = 14
AB_BASE_RATE = 0.45  # purchase intensity over the window per unit of monthly hazard
AB_COUPON_SENSITIVITY = 0.04  # relative rise in purchase intensity per ¥ of coupon

# Costs (assumptions shaped by Yatsen's filings: gross margin 64–68%, fulfilment ≈ 7% of revenue).
FULFILMENT_PER_ORDER = 6.5
RED_PACKET_PER_ADD = 2.0
PERSONA_COST_PER_CONTACT_MONTH = 0.6
OTHER_OPEX_PER_SCALE = 24_000  # G&A and R&D, ¥ per month at scale 1

CATALOG = pd.DataFrame(
    {
        "sku": [
            "ES-01",
            "LP-01",
            "LP-02",
            "LP-03",
            "EP-09",
            "EP-12",
            "MS-01",
            "EL-01",
            "BR-01",
            "FD-01",
            "LQ-01",
            "PW-01",
        ],
        "product": [
            "single eyeshadow",
            "lipstick",
            "velvet lipstick",
            "matte lipstick",
            "9-colour palette",
            "12-colour palette",
            "mascara",
            "eyeliner",
            "brow pencil",
            "foundation",
            "lip gloss",
            "powder",
        ],
        "price": [29.0, 49.0, 59.0, 69.0, 89.0, 129.0, 59.0, 39.0, 29.0, 99.0, 45.0, 79.0],
        "margin": [0.70, 0.66, 0.65, 0.64, 0.63, 0.60, 0.64, 0.68, 0.70, 0.58, 0.66, 0.62],
        "popularity": [10, 14, 10, 8, 12, 8, 8, 7, 7, 4, 6, 6],
    }
)

SCHEMA = {
    "kols": Table(
        "kols",
        "The KOL roster on Xiaohongshu: one row per account.",
        (
            Column("kol_id", "str", "KOL key", unique=True),
            Column("handle", "str", "account name (synthetic, zh_CN)"),
            Column(
                "tier",
                "str",
                "头部 top ≥500k, 腰部 mid 50k–500k, 初级 junior 5k–50k, 素人 amateur <5k followers",
                choices=TIERS,
            ),
            Column("followers", "int", "followers", min=0),
            Column("fee_per_post", "float", "fee for one sponsored note, ¥", min=0),
            Column("engagement_rate", "float", "likes + collects + comments per impression", min=0, max=1),
            Column("audience_fit", "float", "share of the audience in the brand's target group", min=0, max=1),
        ),
    ),
    "posts": Table(
        "posts",
        "One row per sponsored note, with its funnel down to first orders.",
        (
            Column("post_id", "str", "post key", unique=True),
            Column("kol_id", "str", "author (kols.kol_id)"),
            Column("tier", "str", "author's tier", choices=TIERS),
            Column("post_date", "date", "publication day"),
            Column("fee", "float", "fee paid, ¥", min=0),
            Column("impressions", "int", "times the note was shown", min=0),
            Column("engagements", "int", "likes + collects + comments", min=0),
            Column("clicks", "int", "clicks to the Tmall store", min=0),
            Column("sessions", "int", "store sessions: clicks plus later brand searches (种草 → 拔草)", min=0),
            Column("orders", "int", "first orders of new customers attributed to the note", min=0),
        ),
    ),
    "customers": Table(
        "customers",
        "One row per customer: where they came from and when they first bought.",
        (
            CUSTOMER_KEY,
            CUSTOMER_NAME,
            CITY,
            CITY_TIER,
            Column("source", "str", "acquisition source: a KOL tier, platform ads or organic", choices=SOURCES),
            Column("post_id", "str", "the note that brought the customer (empty when not a KOL)", nullable=True),
            FIRST_ORDER_DATE,
        ),
    ),
    "orders": Table(
        "orders",
        "One row per paid order.",
        (
            ORDER_KEY,
            BUYER,
            PAID_AT,
            Column("channel", "str", "store", choices=CHANNELS),
            Column("sku", "str", "product code"),
            Column("quantity", "int", "items", min=1),
            Column("list_amount", "float", "amount at list price, ¥", min=0),
            Column("coupon", "float", "coupon discount, ¥", min=0),
            Column("amount", "float", "amount paid, ¥", min=0),
            Column("cogs", "float", "cost of goods sold, ¥", min=0),
            Column("is_first", "bool", "the customer's first order"),
        ),
    ),
    "wechat_contacts": Table(
        "wechat_contacts",
        "Customers who added the 小完子 WeChat persona from the parcel card.",
        (
            Column("customer_id", "str", "customer (customers.customer_id)", unique=True),
            Column("added_date", "date", "day the contact was added"),
            Column("active", "bool", "read and reacted to the persona's posts in the first month"),
        ),
    ),
    "ab_assignments": Table(
        "ab_assignments",
        "The coupon A/B test among private-domain contacts: one row per user.",
        (
            Column("customer_id", "str", "customer (customers.customer_id)", unique=True),
            Column("group", "str", "logged assignment", choices=GROUPS),
            Column("coupon", "float", "coupon sent, ¥", min=0),
            Column("assigned_date", "date", "day the coupon was sent"),
            Column("converted", "bool", f"bought with the coupon within {AB_WINDOW_DAYS} days"),
            Column("order_id", "str", "the coupon order (empty when not converted)", nullable=True),
        ),
    ),
    "monthly_finance": Table(
        "monthly_finance",
        "The monthly P&L, ¥.",
        (
            Column("month", "str", "calendar month YYYY-MM", unique=True),
            Column("orders", "int", "paid orders", min=0),
            Column("new_customers", "int", "first orders", min=0),
            Column("revenue", "float", "amount paid (after coupons), ¥", min=0),
            Column("cogs", "float", "cost of goods sold, ¥", min=0),
            Column("gross_profit", "float", "revenue − COGS, ¥"),
            Column("kol_fees", "float", "KOL post fees, ¥", min=0),
            Column("platform_ads", "float", "Tmall ads, ¥", min=0),
            Column("private_domain_cost", "float", "red packets and the persona team, ¥", min=0),
            Column("fulfilment", "float", "warehousing and delivery, ¥", min=0),
            Column("other_opex", "float", "general, administrative and R&D, ¥", min=0),
            Column("net_profit", "float", "gross profit − all expenses, ¥"),
        ),
    ),
}


@dataclass(frozen=True)
class Config:
    """The generator's levers; names match the workbook parameters."""

    seed: int = 42
    scale: float = 1.0
    months: int = 18
    start: str = "2018-07-01"
    marketing_budget_per_month: float = 150_000.0
    kol_share_top: float = 0.2
    kol_share_mid: float = 0.35
    kol_share_junior: float = 0.3
    kol_share_amateur: float = 0.15
    private_domain_enabled: bool = True
    wechat_add_rate: float = 0.3
    coupon_control: float = 5.0
    coupon_treatment: float = 15.0
    ab_test_share: float = 0.8
    ab_assignment_bug: float = 0.0

    def kol_shares(self) -> dict[str, float]:
        """The KOL budget split by tier."""
        return {tier: float(getattr(self, f"kol_share_{tier}")) for tier in TIERS}


def check_parameters(values: dict) -> None:
    """Rules across parameters: the four KOL shares are each within 0–1 and sum to 1; the A/B test fits in."""
    names = [f"kol_share_{tier}" for tier in TIERS]
    shares = {name: float(values.get(name, getattr(Config, name))) for name in names}
    for name, share in shares.items():
        if not 0 <= share <= 1:
            raise ParameterError(message("errors.rule.kol_share_range", name=name, share=f"{share:g}"))
    total = sum(shares.values())
    if abs(total - 1) > SHARE_TOLERANCE:
        listed = " + ".join(f"{name} ({share:g})" for name, share in shares.items())
        raise ParameterError(
            message("errors.rule.kol_share_sum", listed=listed, total=f"{total:.4g}", tolerance=f"{SHARE_TOLERANCE:g}")
        )
    months = values.get("months", Config.months)
    if months < AB_MONTHS_BEFORE_END + 3:
        raise ParameterError(message("errors.rule.ab_months", months=months, least=AB_MONTHS_BEFORE_END + 3))


# ---------------------------------------------------------------- calendar and budget


def month_starts(config: Config) -> pd.DatetimeIndex:
    """First day of each simulated month, plus the day after the last month."""
    return pd.date_range(pd.Timestamp(config.start), periods=config.months + 1, freq="MS")


def budget_weights(config: Config) -> np.ndarray:
    """Monthly budget multiplier (mean 1): a ramp from the first to the last month times the festival season."""
    starts = month_starts(config)[:-1]
    ramp = np.linspace(*BUDGET_RAMP, config.months)
    season = np.array([BUDGET_SEASON.get(m, 1.0) for m in starts.month])
    weights = ramp * season
    return weights / weights.mean()


def monthly_budgets(config: Config) -> pd.DataFrame:
    """Planned spend per month (rows) by KOL tier and platform ads (columns), ¥."""
    total = config.marketing_budget_per_month * config.scale * budget_weights(config)
    frame = pd.DataFrame({tier: total * KOL_BUDGET_SHARE * share for tier, share in config.kol_shares().items()})
    frame["platform_ads"] = total * (1 - KOL_BUDGET_SHARE)
    frame.index = month_starts(config)[:-1].strftime("%Y-%m")
    return frame


def saturation(spend: np.ndarray | float, capacity: np.ndarray | float) -> np.ndarray:
    """New buyers per ¥ relative to an unsaturated tier: (1 − e^(−x)) / x with x = spend / capacity."""
    x = np.asarray(spend, dtype=float) / capacity
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 1e-9, -np.expm1(-x) / np.where(x > 1e-9, x, 1.0), 1.0)


# ---------------------------------------------------------------- KOLs and posts


def _kols(config: Config, seeds: Seeds) -> pd.DataFrame:
    """The roster: followers (truncated Pareto within the tier's band), fee, engagement and audience fit."""
    rng = seeds("kols")
    parts = []
    for tier, row in KOL_TIERS.iterrows():
        n = max(2, round(row["roster_per_scale"] * config.scale))
        u = rng.random(n)
        low, high, alpha = row["followers_low"], row["followers_high"], row["pareto_alpha"]
        ratio = (low / high) ** alpha
        followers = np.floor(low / (1 - u * (1 - ratio)) ** (1 / alpha)).astype(np.int64)
        slope = np.log(row["fee_high"] / row["fee_low"]) / np.log(high / low)
        fee = row["fee_low"] * (followers / low) ** slope * rng.lognormal(0, 0.2, n)
        engagement = np.clip(row["engagement"] * rng.lognormal(0, 0.35, n), 0.001, 0.5)
        concentration = 12.0
        fit = rng.beta(row["fit"] * concentration, (1 - row["fit"]) * concentration, n)
        parts.append(
            pd.DataFrame(
                {
                    "tier": tier,
                    "followers": followers,
                    "fee_per_post": money(np.round(fee, -1)),
                    "engagement_rate": np.round(engagement, 4),
                    "audience_fit": np.round(fit, 3),
                }
            )
        )
    kols = pd.concat(parts, ignore_index=True)
    kols.insert(0, "handle", sample_names(rng, len(kols), kind="handle"))
    kols.insert(0, "kol_id", ids("K", len(kols)))
    return kols


def expected_orders_per_post(kols: pd.DataFrame) -> np.ndarray:
    """Expected first orders of one post by each KOL before saturation (the mean of the post funnel)."""
    reach = KOL_TIERS.loc[kols["tier"], "reach"].to_numpy()
    impressions = kols["followers"].to_numpy() * reach * np.exp(IMPRESSION_NOISE**2 / 2)
    fitting = impressions * kols["engagement_rate"].to_numpy() * kols["audience_fit"].to_numpy()
    return fitting * (CLICK_RATE + SEARCH_RATE) * CONVERSION


def fee_index(month: np.ndarray | int) -> np.ndarray:
    """KOL price level in a month (0-based) relative to the roster's list fees."""
    return (1 + FEE_INFLATION) ** np.asarray(month, dtype=float)


def response_parameters(config: Config, kols: pd.DataFrame | None = None, month: int | None = None) -> pd.DataFrame:
    """The true response curve per tier at the prices of `month` (default: the last one).

    Returns new buyers per ¥ before saturation (k, `orders_per_yuan`) and the capacity C (¥ per month) for
    each KOL tier and for platform ads: expected new buyers from monthly spend S are k·C·(1 − e^(−S/C)).
    Posts are booked uniformly over a tier's roster, so k is mean expected orders over mean fee.
    """
    kols = _kols(config, Seeds(config.seed)) if kols is None else kols
    price = float(fee_index(config.months - 1 if month is None else month))
    per_post = pd.Series(expected_orders_per_post(kols), index=kols.index)
    tiers = kols["tier"].to_numpy()
    rows = [
        {
            "tier": tier,
            "orders_per_yuan": per_post[tiers == tier].mean()
            / (kols.loc[tiers == tier, "fee_per_post"].mean() * price),
            "capacity": KOL_TIERS.loc[tier, "capacity_per_scale"] * config.scale,
        }
        for tier in TIERS
    ]
    rows.append(
        {
            "tier": "platform_ads",
            "orders_per_yuan": ADS_ORDERS_PER_YUAN,
            "capacity": ADS_CAPACITY_PER_SCALE * config.scale,
        }
    )
    return pd.DataFrame(rows)


def _book_posts(config: Config, seeds: Seeds, kols: pd.DataFrame, budgets: pd.DataFrame) -> pd.DataFrame:
    """Each tier-month buys posts from a fixed random queue of its KOLs until the budget is spent."""
    rng = seeds("booking")
    starts = month_starts(config)
    rows = []
    for m in range(config.months):
        fee = money(kols["fee_per_post"].to_numpy() * fee_index(m))
        days_in_month = (starts[m + 1] - starts[m]).days
        for tier in TIERS:
            members = np.flatnonzero(kols["tier"].to_numpy() == tier)
            queue = members[rng.integers(0, len(members), len(members) * MAX_POSTS_PER_KOL)]
            u_last, days = rng.random(), rng.integers(0, days_in_month, len(queue))
            spent = np.cumsum(fee[queue])
            budget = budgets.iloc[m][tier]
            take = int(np.searchsorted(spent, budget, side="right"))
            if take < len(queue):  # the next post with the probability that keeps expected spend = budget
                before = spent[take - 1] if take else 0.0
                take += int(u_last < (budget - before) / fee[queue[take]])
            rows.append(pd.DataFrame({"kol": queue[:take], "month": m, "day": days[:take], "fee": fee[queue[:take]]}))
    booked = pd.concat(rows, ignore_index=True)
    booked["post_date"] = starts[booked["month"].to_numpy()] + pd.to_timedelta(booked["day"].to_numpy(), unit="D")
    return booked.sort_values(["post_date", "kol"], kind="stable").reset_index(drop=True)


def _posts(config: Config, seeds: Seeds, kols: pd.DataFrame, budgets: pd.DataFrame) -> pd.DataFrame:
    """The post funnel: impressions → engagements → clicks (+ searches) → sessions → first orders."""
    booked = _book_posts(config, seeds, kols, budgets)
    rng = seeds("posts")
    k = booked["kol"].to_numpy()
    tier = kols["tier"].to_numpy()[k]
    fee = booked["fee"].to_numpy()
    fit = kols["audience_fit"].to_numpy()[k]
    reach = KOL_TIERS.loc[tier, "reach"].to_numpy()
    mean_impressions = kols["followers"].to_numpy()[k] * reach * rng.lognormal(0, IMPRESSION_NOISE, len(k))
    impressions = rng.poisson(mean_impressions)
    engagements = rng.binomial(impressions, kols["engagement_rate"].to_numpy()[k])
    clicks = rng.binomial(engagements, CLICK_RATE * fit)
    sessions = clicks + rng.poisson(engagements * SEARCH_RATE * fit)
    spend = pd.Series(fee).groupby([booked["month"].to_numpy(), tier]).transform("sum").to_numpy()
    capacity = KOL_TIERS.loc[tier, "capacity_per_scale"].to_numpy() * config.scale
    orders = rng.binomial(sessions, CONVERSION * saturation(spend, capacity))
    return pd.DataFrame(
        {
            "post_id": ids("P", len(k)),
            "kol_id": kols["kol_id"].to_numpy()[k],
            "tier": tier,
            "post_date": calendar_dates(booked["post_date"]),
            "fee": money(fee),
            "impressions": impressions,
            "engagements": engagements,
            "clicks": clicks,
            "sessions": sessions,
            "orders": orders,
            "month": booked["month"].to_numpy(),
        }
    )


# ---------------------------------------------------------------- customers


def _arrivals(config: Config, seeds: Seeds, posts: pd.DataFrame, budgets: pd.DataFrame) -> pd.DataFrame:
    """New customers: one per first order of a post, plus platform-ads and organic buyers per month; `source` is
    a place in SOURCES and `post` the row of the post that brought them (−1: none)."""
    rng = seeds("arrivals")
    starts = month_starts(config)
    last_day = starts[-1] - pd.Timedelta(days=1)
    from_posts = np.repeat(np.arange(len(posts)), posts["orders"].to_numpy())
    lag = (rng.geometric(0.25, len(from_posts)) - 1).astype("timedelta64[D]")
    post_days = pd.DatetimeIndex(posts["post_date"]).to_numpy()
    kol_dates = np.minimum(post_days[from_posts] + lag, last_day.to_datetime64())
    tier_source = pd.Categorical(posts["tier"], categories=SOURCES).codes.astype(np.int8)
    sources, post_rows, dates = [tier_source[from_posts]], [from_posts], [kol_dates]
    ads = budgets["platform_ads"].to_numpy()
    capacity = ADS_CAPACITY_PER_SCALE * config.scale
    expected = {
        "platform_ads": ads * ADS_ORDERS_PER_YUAN * saturation(ads, capacity),
        "organic": np.full(config.months, ORGANIC_PER_SCALE * config.scale),
    }
    for source, means in expected.items():
        counts = rng.poisson(means)
        month = np.repeat(np.arange(config.months), counts)
        length = np.asarray((starts[1:] - starts[:-1]).days)[month]
        day = np.floor(rng.random(len(month)) * length).astype(int)
        dates.append(starts.to_numpy()[month] + day.astype("timedelta64[D]"))
        sources.append(np.full(len(month), SOURCES.index(source), dtype=np.int8))
        post_rows.append(np.full(len(month), -1))
    columns = {"source": np.concatenate(sources), "post": np.concatenate(post_rows), "date": np.concatenate(dates)}
    order = time_order(columns["date"], columns["source"])
    return pd.DataFrame({name: values[order] for name, values in columns.items()}, copy=False)


def _people(config: Config, seeds: Seeds, arrivals: pd.DataFrame) -> pd.DataFrame:
    """Customer attributes and the latent loyalty that drives both WeChat adds and repurchase."""
    rng = seeds("customers")
    n = len(arrivals)
    tiers = sample_tiers(rng, n, [0.22, 0.33, 0.22, 0.14, 0.09])
    month = arrivals["date"].to_numpy().astype("datetime64[M]")
    first_month = (month - np.datetime64(config.start, "M")).astype(np.int64)
    return pd.DataFrame(
        {
            "name": name_text(sample_name_codes(rng, n)),
            "city": city_text(sample_city_codes(rng, tiers)),
            "city_tier": tiers,
            "source": arrivals["source"].to_numpy(),
            "post": arrivals["post"].to_numpy(),
            "first_date": arrivals["date"].to_numpy(),
            "first_month": first_month,
            "loyalty": rng.standard_normal(n),
        }
    )


def _contacts(config: Config, seeds: Seeds, people: pd.DataFrame) -> pd.DataFrame:
    """Parcel card → WeChat add (loyal buyers add more often) → active with the persona when it operates."""
    rng = seeds("wechat")
    n = len(people)
    u_add, u_active, delay = rng.random(n), rng.random(n), rng.integers(1, ADD_DELAY_DAYS + 1, n)
    tilt = 1 - ADD_SELECTION / 2 + ADD_SELECTION * ndtr(people["loyalty"].to_numpy())
    added_date = pd.DatetimeIndex(people["first_date"]) + pd.to_timedelta(delay, unit="D")
    added = (u_add < np.clip(config.wechat_add_rate * tilt, 0, 1)) & (added_date < month_starts(config)[-1])
    active = added & config.private_domain_enabled & (u_active < ACTIVE_RATE)
    return pd.DataFrame({"added": added, "added_date": added_date, "active": active})


def _hazard_multiplier(config: Config, people: pd.DataFrame, contacts: pd.DataFrame) -> np.ndarray:
    """Each customer's repurchase hazard relative to the average public-domain buyer."""
    loyalty = np.exp(LOYALTY_SPREAD * people["loyalty"].to_numpy() - LOYALTY_SPREAD**2 / 2)
    operated = contacts["added"].to_numpy() & config.private_domain_enabled
    private = np.where(contacts["active"].to_numpy(), ACTIVE_UPLIFT, np.where(operated, CONTACT_UPLIFT, 1.0))
    return loyalty * private


def _month_demand(config: Config) -> np.ndarray:
    """Mean festival multiplier of each month (618, Double 11 and 12 up, Spring Festival down)."""
    starts = month_starts(config)
    days = pd.date_range(starts[0], starts[-1] - pd.Timedelta(days=1), freq="D")
    return pd.Series(festival_multiplier(days, strength=0.5)).groupby(days.to_period("M")).mean().to_numpy()


def _basket(u_sku: np.ndarray, u_qty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Catalogue row and quantity from two uniforms (inverse CDF of popularity; 1–3 items)."""
    cdf = np.cumsum(CATALOG["popularity"].to_numpy()) / CATALOG["popularity"].sum()
    row = np.minimum(np.searchsorted(cdf, u_sku, side="right"), len(CATALOG) - 1)
    return row, 1 + (u_qty < 0.25).astype(int) + (u_qty < 0.05).astype(int)


def _repeat_orders(
    config: Config, seeds: Seeds, people: pd.DataFrame, hazard: np.ndarray, active: np.ndarray
) -> pd.DataFrame:
    """Month by month, each customer past their first month buys again with probability 1 − e^(−hazard)."""
    rng = seeds("repeat")
    starts, demand = month_starts(config), _month_demand(config)
    n, first_month = len(people), people["first_month"].to_numpy()
    who, seconds, when, u_sku, u_qty, wechat = [], [], [], [], [], []
    draws = np.empty((5, n))  # refilled each month: no fresh 5 × n array to fault in
    for m in range(config.months):
        u_buy, u_day, u_sku_m, u_qty_m, u_chan = rng.random(out=draws)  # five draws of n, in this order
        eligible = np.flatnonzero(first_month < m)  # customers past their first month
        buy = eligible[u_buy[eligible] < -np.expm1(-REPEAT_HAZARD * demand[m] * hazard[eligible])]
        seconds.append(np.floor(u_day[buy] * (starts[m + 1] - starts[m]).total_seconds()).astype(np.int64))
        when.append(np.full(len(buy), starts[m].to_datetime64()))
        who.append(buy)
        u_sku.append(u_sku_m[buy])
        u_qty.append(u_qty_m[buy])
        wechat.append(active[buy] & (u_chan[buy] < PRIVATE_ORDER_SHARE))
    row, quantity = _basket(np.concatenate(u_sku), np.concatenate(u_qty))
    return pd.DataFrame(
        {
            "who": np.concatenate(who),
            "order_date": np.concatenate(when) + np.concatenate(seconds).astype("timedelta64[s]"),
            "row": row,
            "quantity": quantity,
            "coupon": 0.0,
            "wechat": np.concatenate(wechat),
            "ab": False,
        }
    )


def _first_orders(seeds: Seeds, people: pd.DataFrame) -> pd.DataFrame:
    """Every customer's first order on Tmall, on their arrival day."""
    rng = seeds("first_orders")
    n = len(people)
    seconds = rng.integers(8 * 3600, 24 * 3600, n)
    row, quantity = _basket(rng.random(n), rng.random(n))
    return pd.DataFrame(
        {
            "who": np.arange(n),
            "order_date": people["first_date"].to_numpy() + seconds.astype("timedelta64[s]"),
            "row": row,
            "quantity": quantity,
            "coupon": 0.0,
            "wechat": False,
            "ab": False,
        }
    )


# ---------------------------------------------------------------- the A/B coupon test


def ab_test_day(config: Config) -> pd.Timestamp:
    """The day the test coupons are sent."""
    return month_starts(config)[config.months - AB_MONTHS_BEFORE_END]


def _ab_test(
    config: Config, seeds: Seeds, people: pd.DataFrame, contacts: pd.DataFrame, hazard: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Enrol contacts, assign arms (with the fallback bug), and draw coupon purchases over the window."""
    rng = seeds("ab_test")
    n = len(people)
    u_enrol, u_arm, u_bug, u_buy, u_day, u_sku = (rng.random(n) for _ in range(6))
    day = ab_test_day(config)
    eligible = contacts["added"].to_numpy() & (contacts["added_date"].to_numpy() < day.to_datetime64())
    enrolled = eligible & config.private_domain_enabled & (u_enrol < config.ab_test_share)
    # The bug: a treatment user falls back to control, more often the less engaged (older app versions).
    fallback = u_bug < np.clip(config.ab_assignment_bug * 2 * (1 - ndtr(people["loyalty"].to_numpy())), 0, 1)
    treated = (u_arm < 0.5) & ~fallback
    coupon = np.where(treated, config.coupon_treatment, config.coupon_control)
    intensity = AB_BASE_RATE * REPEAT_HAZARD * hazard * (1 + AB_COUPON_SENSITIVITY * coupon)
    converted = enrolled & (u_buy < -np.expm1(-intensity))
    who = np.flatnonzero(enrolled)
    assignments = pd.DataFrame(
        {
            "who": who,
            "group": np.where(treated[who], "treatment", "control"),
            "coupon": money(coupon[who]),
            "assigned_date": day.date(),
            "converted": converted[who],
        }
    )
    buyers = np.flatnonzero(converted)
    seconds = np.floor(u_day[buyers] * AB_WINDOW_DAYS * 86_400).astype(np.int64)
    row, _ = _basket(u_sku[buyers], np.ones(len(buyers)))
    orders = pd.DataFrame(
        {
            "who": buyers,
            "order_date": day + pd.to_timedelta(seconds, unit="s"),
            "row": row,
            "quantity": 1,
            "coupon": coupon[buyers],
            "wechat": True,
            "ab": True,
        }
    )
    return assignments, orders


# ---------------------------------------------------------------- orders and finance


def _time_ordered(parts: list[pd.DataFrame], first_orders: int) -> pd.DataFrame:
    """The parts' rows as one frame in time order (then by customer), flagging the first `first_orders` rows."""
    columns = {name: np.concatenate([part[name].to_numpy() for part in parts]) for name in parts[0].columns}
    columns["is_first"] = np.arange(len(columns["who"])) < first_orders
    order = time_order(columns["order_date"], columns["who"])
    return pd.DataFrame({name: values[order] for name, values in columns.items()}, copy=False)


def _order_rows(people: pd.DataFrame, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """All orders priced from the catalogue, in time order, as numbers (the text columns come per slice)."""
    raw = _time_ordered(parts, len(people))  # the first part holds the first orders
    row = raw["row"].to_numpy()
    list_amount = money(CATALOG["price"].to_numpy()[row] * raw["quantity"].to_numpy())
    coupon = money(np.minimum(raw["coupon"].to_numpy(dtype=float), list_amount - 1))
    cost = CATALOG["price"].to_numpy()[row] * (1 - CATALOG["margin"].to_numpy()[row])
    # Added in place rather than by `assign`, which would copy every column of millions of rows once more.
    raw["list_amount"] = list_amount
    raw["coupon"] = coupon
    raw["amount"] = money(list_amount - coupon)
    raw["cogs"] = money(cost * raw["quantity"].to_numpy())
    return raw


def _orders(customer_ids: pa.StringArray, rows: pd.DataFrame, start: int = 0, stop: int | None = None) -> pd.DataFrame:
    """Rows `start`…`stop` of the order table (ids numbered as in the whole table); `customer_ids` holds each
    customer's id as Arrow text."""
    part = rows.iloc[start:stop]
    row = part["row"].to_numpy()
    return pd.DataFrame(
        {
            "order_id": arrow_column(id_range("O", len(part), start + 1, id_width(len(rows)))),
            "customer_id": labels(customer_ids, part["who"].to_numpy()),
            "order_date": part["order_date"].to_numpy(),
            "channel": labels(CHANNELS, part["wechat"].to_numpy().astype(np.int8)),
            "sku": labels(tuple(CATALOG["sku"]), row),
            "quantity": part["quantity"].to_numpy(),
            "list_amount": part["list_amount"].to_numpy(),
            "coupon": part["coupon"].to_numpy(),
            "amount": part["amount"].to_numpy(),
            "cogs": part["cogs"].to_numpy(),
            "is_first": part["is_first"].to_numpy(),
        },
        copy=False,  # fresh arrays no one else holds: no copy, no block consolidation
    )


def _month_ordinal(dates: pd.Series | pd.Index) -> np.ndarray:
    """Months since 1970 of each date: a cheap integer key for grouping by calendar month (no strings per row)."""
    return np.asarray(pd.to_datetime(dates), dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64)


def _finance(
    config: Config, orders: pd.DataFrame, posts: pd.DataFrame, budgets: pd.DataFrame, contacts: pd.DataFrame
) -> pd.DataFrame:
    """The monthly P&L from orders, post fees, ads, the private domain and fixed costs."""
    months = budgets.index
    ordinals = _month_ordinal(pd.to_datetime(months))
    by_month = orders.groupby(_month_ordinal(orders["order_date"]))
    frame = pd.DataFrame(
        {
            "orders": by_month.size(),
            "new_customers": by_month["is_first"].sum(),
            "revenue": by_month["amount"].sum(),
            "cogs": by_month["cogs"].sum(),
        }
    ).reindex(ordinals, fill_value=0)
    frame.index = months
    fees = posts.groupby(_month_ordinal(posts["post_date"]))["fee"].sum().reindex(ordinals, fill_value=0.0)
    added = contacts.loc[contacts["added"]]
    adds = added.groupby(_month_ordinal(added["added_date"])).size().reindex(ordinals, fill_value=0)
    adds.index = months
    persona = adds.cumsum() * PERSONA_COST_PER_CONTACT_MONTH * config.private_domain_enabled
    frame["gross_profit"] = frame["revenue"] - frame["cogs"]
    frame["kol_fees"] = fees.to_numpy()
    frame["platform_ads"] = budgets["platform_ads"]
    frame["private_domain_cost"] = adds * RED_PACKET_PER_ADD + persona
    frame["fulfilment"] = frame["orders"] * FULFILMENT_PER_ORDER
    frame["other_opex"] = OTHER_OPEX_PER_SCALE * config.scale
    expenses = ["kol_fees", "platform_ads", "private_domain_cost", "fulfilment", "other_opex"]
    frame["net_profit"] = frame["gross_profit"] - frame[expenses].sum(axis=1)
    money_columns = ["revenue", "cogs", "gross_profit", *expenses, "net_profit"]
    frame[money_columns] = money(frame[money_columns].to_numpy())
    frame[["orders", "new_customers"]] = frame[["orders", "new_customers"]].astype("int64")
    return frame.rename_axis("month").reset_index()


@dataclass(frozen=True)
class _Reach:
    """Whom the brand reaches before anyone orders: the KOLs, the monthly budgets and the posts, the customers
    they bring in and the WeChat contacts, with each customer's id as Arrow text (customer i is C…(i + 1))."""

    config: Config
    seeds: Seeds
    kols: pd.DataFrame
    budgets: pd.DataFrame
    posts: pd.DataFrame
    people: pd.DataFrame
    contacts: pd.DataFrame
    customer_ids: pa.StringArray

    @staticmethod
    def of(config: Config) -> _Reach:
        seeds = Seeds(config.seed)
        kols = _kols(config, seeds)
        budgets = monthly_budgets(config)
        posts = _posts(config, seeds, kols, budgets)
        people = _people(config, seeds, _arrivals(config, seeds, posts, budgets))
        contacts = _contacts(config, seeds, people)
        return _Reach(config, seeds, kols, budgets, posts, people, contacts, id_range("C", len(people)))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables known before any order: KOLs, posts, customers and WeChat contacts."""
        people, contacts, customer_ids = self.people, self.contacts, self.customer_ids
        added = contacts["added"].to_numpy()
        post_ids = pa.array(self.posts["post_id"].to_numpy(), pa.string())
        return {
            "kols": self.kols,
            "posts": self.posts.drop(columns="month"),
            "customers": people.assign(
                customer_id=arrow_column(customer_ids),
                source=labels(SOURCES, people["source"].to_numpy()),
                post_id=labels(post_ids, people["post"].to_numpy()),
                first_order_date=day_column(people["first_date"].to_numpy()),
            )[[c.name for c in SCHEMA["customers"].columns]],
            "wechat_contacts": pd.DataFrame(
                {
                    "customer_id": arrow_column(customer_ids.filter(pa.array(added))),
                    "added_date": calendar_dates(contacts["added_date"][added]),
                    "active": contacts["active"].to_numpy()[added],
                }
            ),
        }

    def orders(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The A/B test's assignments (with the order each conversion placed) and every order row as numbers."""
        config, seeds, people, contacts = self.config, self.seeds, self.people, self.contacts
        hazard = _hazard_multiplier(config, people, contacts)
        assignments, ab_orders = _ab_test(config, seeds, people, contacts, hazard)
        repeat = _repeat_orders(config, seeds, people, hazard, contacts["active"].to_numpy())
        rows = _order_rows(people, [_first_orders(seeds, people), repeat, ab_orders])
        ab = np.flatnonzero(rows["ab"].to_numpy())
        ab_ids = pd.Series(ids_of("O", ab + 1, id_width(len(rows))), index=rows["who"].to_numpy()[ab])
        assignments["order_id"] = assignments["who"].map(ab_ids).where(assignments["converted"], None)
        columns = [c.name for c in SCHEMA["ab_assignments"].columns]
        return assignments.assign(customer_id=labels(self.customer_ids, assignments["who"].to_numpy()))[columns], rows

    def finance(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The monthly P&L of the order rows."""
        return _finance(self.config, rows, self.posts, self.budgets, self.contacts)


def generate(config: Config) -> dict[str, pd.DataFrame]:
    """All tables of the Perfect Diary case for `config`; identical output for identical config."""
    reach = _Reach.of(config)
    assignments, rows = reach.orders()
    tables = reach.tables() | {
        "orders": _orders(reach.customer_ids, rows),
        "ab_assignments": assignments,
        "monthly_finance": reach.finance(rows),
    }
    return {name: plain_columns(tables[name]) for name in SCHEMA}


# The tables `generate_in_chunks` hands over piece by piece; every other one comes whole, and is written at once.
TABLES_IN_PIECES = frozenset({"orders"})


def generate_in_chunks(config: Config) -> Iterator[tuple[str, pd.DataFrame]]:
    """The same tables as `generate`, as (table, rows) pieces: the order table month by month, so that a
    large dataset is written without ever holding the whole order table as a frame. The tables known before
    any order come first, written while the orders are drawn, and the monthly P&L last, computed while the
    orders are written."""
    reach = _Reach.of(config)
    yield from reach.tables().items()
    assignments, rows = reach.orders()
    yield "ab_assignments", assignments
    for start, stop in month_slices(rows["order_date"].to_numpy()):
        yield "orders", _orders(reach.customer_ids, rows, start, stop)
    yield "monthly_finance", reach.finance(rows)
