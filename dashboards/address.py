"""A setup in the page's address (URL), so that a link or a reload shows the same.

The query holds the scenario, every parameter changed from it (``section.key=value``, the
value written as ``--set`` takes it), the seed, the tab, the language and the presentation
mode, e.g. ``/?scenario=baseline&costs.starter_kit=600&seed=7&tab=me&lang=de``. Opening
it validates the values exactly as ``networker-sim run --set`` does; parameters this
module does not know (``follow``, say) are kept as they are.

An uploaded scenario file is written the same way: the library scenario closest to it and
the parameters in which it differs, so a link reproduces every value of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, quote

from sim.i18n import LANGS, Msg, t
from sim.scenario import (
    SECTIONS,
    Scenario,
    ScenarioError,
    library_names,
    parse_set,
    toml_value,
    unknown_scenario,
)

TABS = (
    "simulation",
    "me",
    "compare",
    "disclosure",
    "lessons",
    "about",
)  # in the order of state.TAB_*
OWN = ("scenario", "name", "seed", "tab", "lang", "present")
MAX_QUERY = 16 * 1024  # characters: every parameter changed fits in a fifth of it
SHOWN_CHANGES = 8  # a description lists this many changes, then "and N more"
_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Setup:
    """What the address says: a scenario and its changes, the seed, the page shown.

    Attributes:
        scenario: a scenario of the library (scenarios/), by name.
        overrides: dotted parameter -> value, as ``--set`` reads it (not yet validated).
        seed: the seed as written (validated when the setup is applied), or None.
        tab: one of ``TABS``.
        lang: one of ``LANGS``, or None for the server's language.
        present: presentation mode (large fonts, sharp charts).
        name: the name of an uploaded scenario (letters, digits, - and _ only).
        errors: what could not be read, as ScenarioErrors (shown next to the controls).
    """

    scenario: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    seed: str | None = None
    tab: str = TABS[0]
    lang: str | None = None
    present: bool = False
    name: str | None = None
    errors: list[ScenarioError] = field(default_factory=list, compare=False)


def safe_name(text: str) -> str:
    """A scenario name fit for a file name and a link: letters, digits, - and _ only."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", str(text)).strip("_-")[:60]
    return name or "uploaded"


def value_text(value: Any) -> str:
    """A parameter value as ``--set`` reads it back: 0.5, true, binary, [0.1,0.2]."""
    if isinstance(value, str) and _BARE.fullmatch(value) and value not in ("true", "false"):
        return value  # --set takes a word that is no TOML value as text
    if isinstance(value, tuple | list):
        return "[" + ",".join(value_text(v) for v in value) + "]"
    return toml_value(value)


def changes(base: Scenario, scenario: Scenario) -> dict[str, Any]:
    """Every parameter of ``scenario`` that differs from ``base`` (the seed excepted)."""
    out = {}
    for sec in SECTIONS:
        a, b = getattr(base, sec), getattr(scenario, sec)
        for key, value in vars(b).items():
            if key != "seed" and getattr(a, key) != value:
                out[f"{sec}.{key}"] = value
    return out


def named(scenario: Scenario, base: Scenario, label: str | None = None) -> Scenario:
    """``scenario`` (``base`` with changes) under a name and description that say so.

    A scenario that differs from its base keeps neither the base's name nor its
    description: a downloaded file says what it is. ``label`` is an upload's name.
    """
    changed = changes(base, scenario)
    if not changed and label is None:
        return scenario
    shown = [f"{key} = {value_text(value)}" for key, value in list(changed.items())[:SHOWN_CHANGES]]
    more = len(changed) - len(shown)

    def description(lang: str) -> str:
        listing = ", ".join(shown) or t("share.no_changes", lang)
        if more > 0:
            listing += t("share.more_changes", lang, count=more)
        return t("share.description", lang, base=base.name, changes=listing)

    return replace(
        scenario,
        name=label or f"{base.name}_changed",
        description=description("en"),
        description_de=description("de"),
        statements=(),  # what the base illustrates, its changes may not
    )


def closest(scenario: Scenario, library: Iterable[Scenario]) -> Scenario:
    """The library scenario from which ``scenario`` differs in the fewest parameters."""
    return min(library, key=lambda base: len(changes(base, scenario)))


def encode(setup: Setup) -> str:
    """The query string of ``setup`` (without the leading ``?``)."""
    pairs = [("scenario", setup.scenario or "")]
    if setup.name:
        pairs.append(("name", setup.name))
    pairs += [(key, value_text(value)) for key, value in sorted(setup.overrides.items())]
    if setup.seed is not None:
        pairs.append(("seed", str(setup.seed)))
    pairs.append(("tab", setup.tab))
    if setup.lang:
        pairs.append(("lang", setup.lang))
    if setup.present:
        pairs.append(("present", "1"))
    return join(pairs)


def join(pairs: Iterable[tuple[str, str]]) -> str:
    # the brackets, commas and dots of values stay readable in the address bar
    return "&".join(f"{quote(k, safe='.')}={quote(v, safe='.,[]-_')}" for k, v in pairs)


def decode(search: str | None) -> tuple[Setup, list[tuple[str, str]]]:
    """The setup an address holds, and the parameters that are not ours (kept as they are).

    Nothing is validated here but the form and the scenario's name, which must be one of
    the library (a path is an unknown name): a parameter's value is checked when the
    setup is applied, as ``--set`` checks it.
    """
    text = (search or "").lstrip("?")
    errors: list[ScenarioError] = []
    if len(text) > MAX_QUERY:
        errors.append(ScenarioError(Msg("share.too_long", limit=MAX_QUERY), kind="address"))
        text = ""
    own: dict[str, str] = {}
    overrides: dict[str, Any] = {}
    others: list[tuple[str, str]] = []
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key in OWN:
            own[key] = value
        elif "." in key and key.partition(".")[0] in SECTIONS:
            try:
                overrides.update(parse_set([f"{key}={value}"], origin=Msg("share.origin")))
            except ScenarioError as exc:
                errors.append(exc)
        else:
            others.append((key, value))
    scenario = own.get("scenario") or None
    if scenario is not None and scenario not in library_names():
        # a path or any other text: the answer of an unknown name, and no file looked at
        errors.append(unknown_scenario(scenario))
        scenario = None
    setup = Setup(
        scenario=scenario,
        overrides=overrides,
        seed=own.get("seed"),
        tab=own.get("tab") if own.get("tab") in TABS else TABS[0],
        lang=own.get("lang") if own.get("lang") in LANGS else None,
        present=own.get("present") == "1",
        name=safe_name(own["name"]) if own.get("name") else None,
        errors=errors,
    )
    return setup, others


def says_anything(search: str | None) -> bool:
    """Whether the address holds a setup at all (a bare ``/`` does not)."""
    setup, _ = decode(search)
    return setup != Setup() or bool(setup.errors)


def merged(search: str | None, query: str) -> str:
    """``query`` with the parameters of ``search`` that are not ours (``follow``) kept."""
    _, others = decode(search)
    return "&".join(part for part in (query, join(others)) if part)
