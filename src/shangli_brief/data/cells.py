"""The cells of data files as they are read: indicator ids, published figures, yes/no words and
the text of a cell. A leaf module: the dataset, the table readers and the wide-table reader all
use it, and it uses none of them."""
from __future__ import annotations

import re
from decimal import Decimal

from ..errors import InputError, Location
from ..i18n import _
from ..typography import normalise
from ..yamlfile import check_characters

ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
YES = {"yes", "y", "true", "1", "是", "替换"}
MAX_MAGNITUDE = Decimal("1e15")
MAX_DIGITS = 20
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?")


def parse_number(raw) -> tuple[Decimal | None, str | None]:
    """A published figure as an exact decimal, or the reason it is not one: finite, at most
    20 digits, magnitude under 10^15, written as digits (an exponent of up to three digits)."""
    text = str(raw).strip().replace(",", "")
    if isinstance(raw, float) and raw != raw or text.lower() in ("nan", "snan", "-nan", "+nan"):
        return None, _("value '{raw}' is not a number; write the figure as published").format(raw=raw)
    if isinstance(raw, float) and raw in (float("inf"), float("-inf")) or "inf" in text.lower():
        return None, _("value '{raw}' is infinite; write the figure as published").format(raw=raw)
    if not _NUMBER.fullmatch(text):
        return None, _("value '{raw}' is not a number; write digits, such as 230 or 28.4").format(raw=raw)
    number = Decimal(text)
    if abs(number) >= MAX_MAGNITUDE or len(number.as_tuple().digits) > MAX_DIGITS:
        return None, (
            _(
                "value '{raw}' is out of range (at most {max_digits} digits, below 10^15); check "
                "the figure and its unit"
            ).format(raw=raw, max_digits=MAX_DIGITS)
        )
    return number, None


MAX_CELL = 2_000  # characters in one cell: an indicator's name or a source is a line or two


def clean_cell(cell: str, where: Location, column: str | None = None) -> str:
    """A cell's text as it is read: within MAX_CELL characters, no control character, NFC."""
    if len(cell) > MAX_CELL:
        raise InputError(
            _("a cell of {count} characters (at most {max_cell}); is the file damaged?").format(
                count=len(cell), max_cell=MAX_CELL
            ),
            where,
            column,
        )
    check_characters(cell, where, column)
    return normalise(cell)
