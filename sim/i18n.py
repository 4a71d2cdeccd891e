"""Message catalogs: every user-facing text in English and German.

Catalogs are TOML files in ``sim/locales/<lang>/`` (the same files and keys in each
language; a file per part of the tool, merged into one catalog);
``t("ui.step", "de")`` looks a message up and fills in its ``{placeholders}``. Numbers
are written the way each language writes them (German: 1.240 and 58,3 %).
"""

from __future__ import annotations

import math
import numbers
import tomllib
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

LOCALES = files("sim") / "locales"  # package data, wherever the package is installed
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


def catalog_files(lang: str) -> list[Traversable]:
    """The catalog files of one language, in a fixed order."""
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")
    found = (f for f in (LOCALES / lang).iterdir() if f.name.endswith(".toml"))
    return sorted(found, key=lambda f: f.name)


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, by dotted key; a key defined twice is an error."""
    out: dict[str, str] = {}
    for path in catalog_files(lang):
        with path.open("rb") as f:
            part = _flatten(tomllib.load(f))
        twice = sorted(out.keys() & part.keys())
        if twice:
            raise ValueError(f"{path}: keys defined in another catalog file too: {twice}")
        out.update(part)
    return out


def t(key: str, lang: str = DEFAULT_LANG, /, **values) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in."""
    return catalog(lang)[key].format(**values)


def count(noun: str, n: float, lang: str = DEFAULT_LANG, /) -> str:
    """A number with its noun, one or many: ``count("months", 1)`` is "1 month", and
    ``count("runs", 1200, "de")`` "1.200 Läufe" (the catalog's ``count.<noun>_one`` and
    ``count.<noun>_many``; English and German need no other forms)."""
    return t(f"count.{noun}_{'one' if n == 1 else 'many'}", lang, n=fmt_int(n, lang))


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


def fmt_eur(x: float | None, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """Money: '1.240 €' in German, '€1,240' in English; ``digits`` for cents."""
    if x is None or x != x:
        return NO_VALUE
    text = fmt_num(x, lang, digits) if digits else fmt_int(x, lang)
    return f"{text} €" if lang == "de" else f"€{text}".replace("€-", "-€")


# From here on a number's digits hide its size: 1e+308 reads better than 309 digits.
COMPACT_FROM = 10**15


def fmt_value(x: float | str, lang: str = DEFAULT_LANG) -> str:
    """A parameter value: whole numbers with thousands separators, others as written;
    huge ones (and inf, nan) compact, e.g. 1e+308; a text (a rank's title) as it is."""
    if isinstance(x, str):
        return x
    if isinstance(x, numbers.Integral) and abs(x) >= COMPACT_FROM:
        digits = str(abs(int(x)))  # float(x) would overflow beyond 1e308
        mantissa = f"{digits[0]}.{digits[1:6]}".rstrip("0").rstrip(".")
        text = f"{'-' if x < 0 else ''}{mantissa}e+{len(digits) - 1}"
    elif not math.isfinite(x) or abs(x) >= COMPACT_FROM:
        text = f"{float(x):.6g}"
    elif float(x).is_integer():
        return fmt_int(x, lang)
    else:
        text = f"{x:g}"
    return text.replace(".", ",") if lang == "de" else text


class Msg:
    """A message kept as its catalog key and values, put into words later in any language.

    Errors are raised deep in the model, long before anyone knows the reader's language;
    keeping key and values lets the command line and the dashboard show the same error
    in English or German. Values are written the way the language writes them: numbers
    with its separators, anything with a ``render(lang)`` method (another ``Msg``) in
    that language, everything else as text.
    """

    def __init__(self, key: str, /, **values: Any) -> None:
        self.key, self.values = key, values

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return t(self.key, lang, **{k: render(v, lang) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, **{self.values!r})"


def render(value: Any, lang: str = DEFAULT_LANG) -> str:
    """A message value as text in ``lang`` (see ``Msg``)."""
    if hasattr(value, "render"):
        return value.render(lang)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Real):
        return fmt_value(value, lang)
    return str(value)


class KeyedError(ValueError):
    """A refusal whose message is ``PREFIX.key`` in the catalogs, with its placeholders'
    values as given: ``str()`` in English, ``message(lang)`` in any language.

    Attributes:
        key: the message's key under ``PREFIX``.
        values: the message's placeholders.
    """

    PREFIX = ""

    def __init__(self, key: str, **values: Any):
        self.key, self.values = key, values
        super().__init__(t(f"{self.PREFIX}.{key}", DEFAULT_LANG, **values))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return t(f"{self.PREFIX}.{self.key}", lang, **self.values)


class LocalizedError(Exception):
    """An error whose text is a catalog message: ``str()`` in English, any language on request.

    A plain string is accepted too (it stays as it is in every language), so code that
    raises with an f-string keeps working.
    """

    def __init__(self, text: str | Msg, *args: Any) -> None:
        self.msg = text if isinstance(text, Msg) else None
        super().__init__(str(text), *args)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return self.msg.render(lang) if self.msg is not None else str(self)
