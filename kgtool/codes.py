"""Check digits of the identifiers Japanese public data uses.

* Corporate number (法人番号, 13 digits): the first digit checks the 12-digit base. Number the
  base digits P1..P12 from the right, Qn = 1 for odd n and 2 for even n; the check digit is
  9 − (Σ Pn·Qn mod 9). Source: 法人番号の指定等に関する省令 / National Tax Agency.
* Local-government code (全国地方公共団体コード, 6 digits): the sixth digit checks the first
  five: (11 − (6a + 5b + 4c + 3d + 2e) mod 11) mod 10. Source: 総務省.

The same rules are written in SPARQL in ``shapes/`` (SHACL-SPARQL constraints); tests check the
two agree.
"""
from __future__ import annotations

import re

__all__ = ["corporate_number_check_digit", "is_valid_corporate_number",
           "local_government_check_digit", "is_valid_local_government_code"]

_CORPORATE = re.compile(r"[0-9]{13}")
_LG = re.compile(r"[0-9]{6}")


def corporate_number_check_digit(base: str) -> int:
    """The check digit for a 12-digit corporate-number base."""
    if len(base) != 12 or not base.isdigit():
        raise ValueError(f"a corporate-number base has 12 digits, not {base!r}")
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return 9 - total % 9


def is_valid_corporate_number(value: str) -> bool:
    """True for 13 ASCII digits whose first digit checks the other twelve."""
    return bool(_CORPORATE.fullmatch(value)) and int(value[0]) == corporate_number_check_digit(value[1:])


def local_government_check_digit(first_five: str) -> int:
    """The sixth digit of a local-government code from its first five."""
    if len(first_five) != 5 or not first_five.isdigit():
        raise ValueError(f"a local-government code starts with 5 digits, not {first_five!r}")
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


def is_valid_local_government_code(value: str) -> bool:
    """True for 6 ASCII digits whose last digit checks the first five."""
    return bool(_LG.fullmatch(value)) and int(value[5]) == local_government_check_digit(value[:5])
