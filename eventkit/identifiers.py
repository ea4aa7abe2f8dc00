"""Chinese identifier checks (pure): unified social credit code and resident ID number."""

from __future__ import annotations

import datetime as dt

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for positions 1..17
_ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"
_ASCII_DIGITS = frozenset("0123456789")


def ascii_digits(value: object) -> bool:
    """Whether `value` is a non-empty string of the ASCII digits 0-9 only.

    `str.isdigit()` is also true for fullwidth (`１`) and superscript (`²`) digits: a
    fullwidth resident ID would pass a check and register a second person with the same
    number, and `int('²')` raises. Identifiers are ASCII, so everything else is refused.
    """
    return isinstance(value, str) and bool(value) and all(c in _ASCII_DIGITS for c in value)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of the 9-character organization code (positions 9-17)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_problem(code: str) -> str | None:
    """Why `code` is not a valid USCC (GB 32100-2015), or None when it is."""
    if not isinstance(code, str) or len(code) != 18:
        return "must be 18 characters"
    if any(c not in USCC_ALPHABET for c in code):
        return "may only use 0-9 and A-H J-N P-R T U W-Y (upper case)"
    if not ascii_digits(code[2:8]):
        return "positions 3-8 must be a six-digit county code (GB/T 2260)"
    if code[17] != uscc_check_char(code[:17]):
        return "check character does not match (GB 32100-2015)"
    return None


def is_farmer_cooperative_uscc(code: str) -> bool:
    return code.startswith("93")


def make_uscc(prefix2: str, county_code: str, org_body8: str) -> str:
    """Build a valid USCC (used by the demo and tests)."""
    org9 = org_body8 + org_code_check_char(org_body8)
    first17 = prefix2 + county_code + org9
    return first17 + uscc_check_char(first17)


def resident_id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def resident_id_problem(number: str) -> str | None:
    """Why `number` is not a valid resident ID (GB 11643), or None when it is."""
    if not isinstance(number, str) or len(number) != 18:
        return "must be 18 characters"
    if not ascii_digits(number[:17]) or not (ascii_digits(number[17]) or number[17] == "X"):
        return "must be 17 digits (ASCII 0-9) and a digit or X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "positions 7-14 are not a valid birth date"
    if number[17] != resident_id_check_char(number[:17]):
        return "check character does not match (GB 11643)"
    return None


def resident_id_birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def resident_id_sex(number: str) -> str:
    return "male" if int(number[16]) % 2 == 1 else "female"


def make_resident_id(region6: str, birth: dt.date, seq3: str) -> str:
    first17 = region6 + birth.strftime("%Y%m%d") + seq3
    return first17 + resident_id_check_char(first17)


def mask(value: str | None, visible: int = 4) -> str | None:
    """Personal numbers are shown with only their last `visible` characters."""
    if value is None or value == ERASED:
        return value
    return "*" * max(len(value) - visible, 0) + value[-visible:]


# What an erased personal field reads as everywhere (views, exports, documents, the feed).
ERASED = "已删除"
