"""Message catalogs: every user-facing text in English and German.

Catalogs are TOML files in ``sim/locales/`` (one per language, the same keys in each);
``t("ui.step", "de")`` looks a message up and fills in its ``{placeholders}``. Numbers
are written the way each language writes them (German: 1.240 and 58,3 %).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
LANGS = ("en", "de")
DEFAULT_LANG = "en"
NO_VALUE = "\u2013"  # an en dash where a number is missing


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, by dotted key."""
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")
    with open(LOCALES / f"{lang}.toml", "rb") as f:
        return _flatten(tomllib.load(f))


def t(key: str, lang: str = DEFAULT_LANG, /, **values) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in."""
    return catalog(lang)[key].format(**values)


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalog(lang)


def fmt_int(n: float, lang: str = DEFAULT_LANG) -> str:
    text = f"{round(n):,}"
    return text.replace(",", ".") if lang == "de" else text


def fmt_num(x: float, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    text = f"{x:,.{digits}f}"
    if lang == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def fmt_pct(share: float | None, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """A share 0..1 as a percentage, e.g. 0.583 -> '58 %'."""
    if share is None or share != share:
        return NO_VALUE
    return f"{fmt_num(100 * share, lang, digits)} %"


def fmt_eur(x: float | None, lang: str = DEFAULT_LANG) -> str:
    if x is None or x != x:
        return NO_VALUE
    return f"{fmt_int(x, lang)} €" if lang == "de" else f"€{fmt_int(x, lang)}".replace("€-", "-€")


def fmt_value(x: float, lang: str = DEFAULT_LANG) -> str:
    """A parameter value: whole numbers with thousands separators, others as written."""
    if float(x).is_integer():
        return fmt_int(x, lang)
    text = f"{x:g}"
    return text.replace(".", ",") if lang == "de" else text
