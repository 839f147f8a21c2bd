"""Former home of the exact-number readers; kept so old imports keep working.

The readers now live in :mod:`salesmath.numbers` and the formatters in
``salesmath._format``; import from there.
"""

from salesmath._format import format_amount, format_exact, format_rate
from salesmath.numbers import (
    Amount,
    Count,
    PositiveAmount,
    Rate,
    parse_amount,
    parse_rate,
    to_json_number,
)

__all__ = [
    "Amount",
    "Count",
    "PositiveAmount",
    "Rate",
    "format_amount",
    "format_exact",
    "format_rate",
    "parse_amount",
    "parse_rate",
    "to_json_number",
]
