"""Retail P&L and working capital: revenue → gross profit → fulfilment → net, ratios, cash conversion cycle.

General on purpose (any case can pass its own lines): amounts in ¥ for one period, ratios against revenue,
NaN where a ratio has no denominator.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.core.numbers import ratio


def income_statement(
    revenue: float, cogs: float, fulfillment: float, other_expenses: float = 0.0, other_income: float = 0.0
) -> pd.DataFrame:
    """The P&L steps with amounts and shares of revenue: revenue, COGS, gross profit, fulfilment, other, net."""
    gross = revenue - cogs
    net = gross - fulfillment - other_expenses + other_income
    lines = [
        ("Revenue", revenue),
        ("Cost of goods sold", -cogs),
        ("Gross profit", gross),
        ("Fulfilment", -fulfillment),
        ("Other operating expenses", -other_expenses),
        ("Other income", other_income),
        ("Net profit", net),
    ]
    return pd.DataFrame(
        {
            "line": [name for name, _ in lines],
            "amount": [float(v) for _, v in lines],
            "share_of_revenue": [ratio(v, revenue) for _, v in lines],
        }
    )


def _line(statement: pd.DataFrame, name: str) -> float:
    return float(statement.loc[statement["line"] == name, "amount"].iloc[0])


def margins(statement: pd.DataFrame) -> dict[str, float]:
    """Gross margin, fulfilment cost ratio and net margin of an `income_statement`."""
    revenue = _line(statement, "Revenue")
    return {
        "gross_margin": ratio(_line(statement, "Gross profit"), revenue),
        "fulfillment_cost_ratio": ratio(-_line(statement, "Fulfilment"), revenue),
        "net_margin": ratio(_line(statement, "Net profit"), revenue),
    }


def waterfall_steps(statement: pd.DataFrame) -> list[tuple[str, float]]:
    """Revenue and the signed changes down to net profit, for `helpers.plots.waterfall`."""
    changes = ["Cost of goods sold", "Fulfilment", "Other operating expenses", "Other income"]
    steps = [("Revenue", _line(statement, "Revenue"))]
    steps += [(name, _line(statement, name)) for name in changes if _line(statement, name) != 0]
    return steps


def days_outstanding(average_balance: float, flow: float, days: float) -> float:
    """Days a balance represents of a flow: inventory vs COGS, receivables vs revenue, payables vs COGS."""
    per_day = flow / days if days else float("nan")
    return average_balance / per_day if per_day and not math.isnan(per_day) else float("nan")


def cash_conversion_cycle(inventory_days: float, receivable_days: float, payable_days: float) -> float:
    """Cash conversion cycle = inventory days + receivable days − supplier payment days (< 0: suppliers fund it)."""
    return inventory_days + receivable_days - payable_days


def working_capital(cycle_days: float, cogs: float, days: float) -> float:
    """Cash tied up by the cycle, ¥: cycle days × COGS per day (negative: cash the business holds for free)."""
    return cycle_days * cogs / days if days else float("nan")


def supplier_funded_share(inventory_days: float, payable_days: float) -> float:
    """Share of the inventory financed by unpaid suppliers: payable days / inventory days, capped at 1."""
    if not inventory_days or math.isnan(inventory_days):
        return float("nan")
    return min(max(payable_days / inventory_days, 0.0), 1.0)
