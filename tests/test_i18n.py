"""Message catalogs (sim/locales/<lang>/*.toml) and number formatting (sim/i18n.py)."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from sim.i18n import (
    LANGS,
    NO_VALUE,
    catalog,
    catalog_files,
    fmt_eur,
    fmt_int,
    fmt_num,
    fmt_pct,
    t,
)
from sim.scenario import param_specs

ROOT = Path(__file__).resolve().parent.parent
# t("some.key", ...) or Msg("some.key", ...) (a message put into words later) with a plain
# string literal; t(f"...") is not matched (built keys)
T_CALL = re.compile(r"""\b(?:t|Msg)\(\s*(["'])([^"'{}\n]+)\1""")


def placeholders(message: str) -> set[str]:
    """The names of the ``{placeholders}`` in a message (``{a.b}`` and ``{a[0]}`` count as a)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(message):
        if field is not None:
            names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
    return names


def _layout(table: dict, prefix: str = "") -> set[str]:
    """Every table and key of a raw TOML document, with quoted keys kept whole."""
    out = set()
    for key, value in table.items():
        path = f"{prefix}[{key}]"
        out.add(path)
        if isinstance(value, dict):
            out |= _layout(value, path)
    return out


def test_both_languages_have_the_same_catalog_files():
    en = [p.name for p in catalog_files("en")]
    assert en, "no catalog files found"
    assert en == [p.name for p in catalog_files("de")]


def test_catalogs_have_the_same_keys():
    en, de = set(catalog("en")), set(catalog("de"))
    assert not en - de, f"missing in de.toml: {sorted(en - de)}"
    assert not de - en, f"missing in en.toml: {sorted(de - en)}"


def test_catalogs_have_the_same_tables_and_quoted_keys():
    layouts = {}
    for lang in LANGS:
        layouts[lang] = set()
        for path in catalog_files(lang):
            with open(path, "rb") as f:
                layouts[lang] |= {f"{path.name}:{x}" for x in _layout(tomllib.load(f))}
    en, de = layouts["en"], layouts["de"]
    assert not en - de, f"only in en.toml: {sorted(en - de)}"
    assert not de - en, f"only in de.toml: {sorted(de - en)}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_message_is_empty(lang):
    empty = [key for key, message in catalog(lang).items() if not message.strip()]
    assert not empty, f"empty messages in {lang}.toml: {empty}"


def test_placeholders_are_the_same_in_both_languages():
    en, de = catalog("en"), catalog("de")
    differ = {
        key: (sorted(placeholders(en[key])), sorted(placeholders(de[key])))
        for key in en.keys() & de.keys()
        if placeholders(en[key]) != placeholders(de[key])
    }
    assert not differ, f"placeholders differ (en, de): {differ}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_formats_with_dummy_values(lang):
    failed = {}
    for key, message in catalog(lang).items():
        values = {name: "1" for name in placeholders(message)}
        try:
            text = t(key, lang, **values)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            failed[key] = repr(exc)
            continue
        if "{" in text or "}" in text:
            failed[key] = f"unfilled braces in {text!r}"
    assert not failed, f"messages in {lang}.toml that do not format: {failed}"


def test_unknown_key_raises_key_error():
    with pytest.raises(KeyError):
        t("no.such.key", "en")
    with pytest.raises(KeyError):
        t("no.such.key", "de")


def test_unknown_language_raises_key_error():
    with pytest.raises(KeyError):
        t("app.title", "fr")
    with pytest.raises(KeyError):
        catalog("xx")


def test_a_known_key_in_both_languages():
    assert t("ui.week_of", "en", week=3, weeks=260) == "Week 3 of 260"
    assert t("ui.week_of", "de", week=3, weeks=260) == "Woche 3 von 260"


def test_german_number_formatting():
    assert fmt_int(1240, "de") == "1.240"
    assert fmt_int(1_234_567.4, "de") == "1.234.567"
    assert fmt_num(58.3, "de") == "58,3"
    assert fmt_num(1234.56, "de", 2) == "1.234,56"
    assert fmt_pct(0.583, "de", 1) == "58,3 %"
    assert fmt_pct(0.583, "de") == "58 %"
    assert fmt_eur(1240, "de") == "1.240 €"
    assert fmt_eur(-1240, "de") == "-1.240 €"


def test_english_number_formatting():
    assert fmt_int(1240, "en") == "1,240"
    assert fmt_int(1_234_567.4, "en") == "1,234,567"
    assert fmt_num(58.3, "en") == "58.3"
    assert fmt_num(1234.56, "en", 2) == "1,234.56"
    assert fmt_pct(0.583, "en", 1) == "58.3 %"
    assert fmt_pct(0.583, "en") == "58 %"
    assert fmt_eur(1240, "en") == "€1,240"
    assert fmt_eur(-1240, "en") == "-€1,240"


@pytest.mark.parametrize("lang", LANGS)
def test_missing_numbers_show_a_dash(lang):
    assert fmt_pct(None, lang) == NO_VALUE
    assert fmt_pct(float("nan"), lang) == NO_VALUE
    assert fmt_eur(None, lang) == NO_VALUE
    assert fmt_eur(float("nan"), lang) == NO_VALUE


@pytest.mark.parametrize("lang", LANGS)
def test_every_parameter_has_doc_and_source(lang):
    cat = catalog(lang)
    missing = [
        f"param.{key}.{part}"
        for key in param_specs()
        for part in ("doc", "source")
        if f"param.{key}.{part}" not in cat
    ]
    assert not missing, f"missing in {lang}.toml: {missing}"


def test_no_param_messages_for_unknown_parameters():
    specs = param_specs()
    stale = [
        key
        for key in catalog("en")
        if key.startswith("param.") and key.removeprefix("param.").rsplit(".", 1)[0] not in specs
    ]
    assert not stale, f"param.* messages for parameters that do not exist: {stale}"


def test_dashboard_settings_have_slider_labels():
    state = pytest.importorskip("dashboards.state")
    specs = param_specs()
    # The sliders (and the population select) are labelled slider.<key>; a range error
    # on any setting is reported with its slider.<key> label. Settings with a fixed list
    # of choices (the plan) cannot be out of range and are labelled elsewhere (ui.plan).
    keys = {spec.key for spec in state.SLIDERS} | {
        key for key in state.SETTING_KEYS if not specs[key].get("choices")
    }
    assert "population.size" in keys
    for lang in LANGS:
        missing = sorted(key for key in keys if f"slider.{key}" not in catalog(lang))
        assert not missing, f"slider labels missing in {lang}.toml: {missing}"


def _keys_used_in_code() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for folder in ("dashboards", "sim"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for match in T_CALL.finditer(path.read_text(encoding="utf-8")):
                used.setdefault(match.group(2), set()).add(str(path.relative_to(ROOT)))
    return used


def test_keys_used_in_code_exist():
    used = _keys_used_in_code()
    assert len(used) > 20, "the search for t(...) calls found almost nothing"
    for lang in LANGS:
        cat = catalog(lang)
        missing = {key: sorted(files) for key, files in used.items() if key not in cat}
        assert not missing, f"keys used in code but missing in {lang}.toml: {missing}"


def test_keys_built_in_code_exist():
    """Keys the dashboards build with f-strings, from the lists they are built from."""
    charts = pytest.importorskip("dashboards.charts")
    compare = pytest.importorskip("dashboards.components.compare")
    from sim.metrics import RISK_RULES
    from sim.scenario import PLANS

    built = (
        [f"plan.{p}" for p in PLANS]
        + [f"reason.{r}" for r in charts.REASON_COLOURS]
        + [f"chart.{name}_name" for name in charts.ALL_CHARTS]
        + [f"risk.verdict_{level}" for level in ("green", "amber", "red")]
        + [f"risk.{rule}.{part}" for rule in RISK_RULES for part in ("label", "text", "source")]
        + [f"column.{c}" for c in (*compare.TABLE, "active", "cumulative_net_p50")]
        + [f"about.assumption_{i}" for i in range(1, 6)]
        + [f"about.limitation_{i}" for i in range(1, 5)]
    )
    for lang in LANGS:
        missing = [key for key in built if key not in catalog(lang)]
        assert not missing, f"built keys missing in {lang}.toml: {missing}"
