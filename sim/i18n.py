"""Message catalogs: every user-facing text in English and German.

Catalogs are TOML files in ``sim/locales/<lang>/`` (the same files and keys in each
language; a file per part of the tool, merged into one catalog);
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


def catalog_files(lang: str) -> list[Path]:
    """The catalog files of one language, in a fixed order."""
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")
    return sorted((LOCALES / lang).glob("*.toml"))


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, by dotted key; a key defined twice is an error."""
    out: dict[str, str] = {}
    for path in catalog_files(lang):
        with open(path, "rb") as f:
            part = _flatten(tomllib.load(f))
        twice = sorted(out.keys() & part.keys())
        if twice:
            raise ValueError(f"{path}: keys defined in another catalog file too: {twice}")
        out.update(part)
    return out


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
