"""The About page: what the model assumes, every default with its source, the limits."""

from __future__ import annotations

import solara

from dashboards import state
from dashboards.components.md import Md
from sim.i18n import fmt_value, t
from sim.scenario import param_specs
from sim.validation import published_block


def _default(value, lang: str) -> str:
    if isinstance(value, tuple):
        return "; ".join(fmt_value(v, lang) for v in value)
    if isinstance(value, bool):
        return t(f"ui.{'yes' if value else 'no'}", lang)
    if isinstance(value, str):
        return t(f"plan.{value}", lang)
    return fmt_value(value, lang)


@solara.component
def AboutPage():
    lang = state.lang.value
    parts = [
        f"## {t('about.title', lang)}",
        t("about.what", lang),
        "",
        t("about.model_not_forecast", lang),
        "",
        f"### {t('about.assumptions_title', lang)}",
    ]
    parts += [f"- {t(f'about.assumption_{i}', lang)}" for i in range(1, 7)]
    block = published_block()
    if block:
        parts += ["", f"### {t('about.validation_title', lang)}", t("about.validation", lang),
                  "", block]  # fmt: skip
    parts += ["", f"### {t('about.limitations_title', lang)}"]
    parts += [f"- {t(f'about.limitation_{i}', lang)}" for i in range(1, 5)]
    parts += [
        "",
        f"### {t('about.params_title', lang)}",
        "",
        f"| {t('about.key', lang)} | {t('about.default', lang)} | {t('about.range', lang)} "
        f"| {t('about.meaning', lang)} | {t('about.source', lang)} |",
        "|---|---|---|---|---|",
    ]
    for key, spec in param_specs().items():
        unit = t(f"unit.{spec['unit']}", lang) if spec["unit"] else ""
        rng = (
            " / ".join(t(f"plan.{c}", lang) for c in spec["choices"])
            if spec.get("choices")
            else f"{t('ui.yes', lang)} / {t('ui.no', lang)}"
            if spec["lo"] is None
            else f"{fmt_value(spec['lo'], lang)} .. {fmt_value(spec['hi'], lang)} {unit}"
        )
        parts.append(
            f"| `{key}` | {_default(spec['default'], lang)} | {rng} "
            f"| {t(f'param.{key}.doc', lang)} | {t(f'param.{key}.source', lang)} |"
        )
    Md("\n".join(parts), style={"padding": "0 16px"})
