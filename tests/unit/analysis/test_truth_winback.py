"""Item 14 of issue 13: the win-back calculator counts margin, not revenue, and only the response the contact
causes (response minus those who would have come back anyway) — checked against plain arithmetic."""

from __future__ import annotations

import pytest

from helpers.analysis import winback


def test_net_is_incremental_gross_profit_minus_contact_cost():
    payoff = winback.winback_payoff(1000, 0.08, 0.03, 200.0, 0.45, 5.0)
    incremental = 1000 * (0.08 - 0.03)  # 50 customers came back because of the contact
    assert payoff["returned"] == pytest.approx(incremental)
    assert payoff["gross_profit"] == pytest.approx(incremental * 200.0 * 0.45)
    assert payoff["net"] == pytest.approx(incremental * 200.0 * 0.45 - 1000 * 5.0)  # −¥500: it does not pay
    assert payoff["break_even_response"] == pytest.approx(5.0 / (200.0 * 0.45))


def test_break_even_on_margin_is_the_revenue_break_even_over_the_margin():
    value = 5.0 / 0.024  # the value at which the revenue view breaks even at a 2.4% response
    payoff = winback.winback_payoff(100, 0.1, 0.0, value, 0.45, 5.0)
    assert payoff["break_even_response"] == pytest.approx(0.024 / 0.45)  # ≈ 5.3%, as in the issue
