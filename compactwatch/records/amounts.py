"""Amounts of money as pages and messages write them: 1,234,567.50, and whole amounts
without pence (12,500)."""

from __future__ import annotations

from decimal import Decimal


def figure(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
