"""The About page: what the model assumes, every default with its source, the limits."""

from __future__ import annotations

import solara

from dashboards import state
from dashboards.components.md import Md
from sim.i18n import t
from sim.scenario import fmt_number, param_specs


def _default(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(fmt_number(v) for v in value)
    if isinstance(value, bool | str):
        return str(value).lower() if isinstance(value, bool) else value
    return fmt_number(value)


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
    parts += [f"- {t(f'about.assumption_{i}', lang)}" for i in range(1, 6)]
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
        rng = (
            " / ".join(spec["choices"])
            if spec.get("choices")
            else "true / false"
            if spec["lo"] is None
            else f"{fmt_number(spec['lo'])} .. {fmt_number(spec['hi'])} {spec['unit']}"
        )
        parts.append(
            f"| `{key}` | {_default(spec['default'])} | {rng} "
            f"| {t(f'param.{key}.doc', lang)} | {t(f'param.{key}.source', lang)} |"
        )
    Md("\n".join(parts))
