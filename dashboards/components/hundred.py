""" "Out of 100 who joined": everyone who joined so far, scaled to 100 people, each drawn as a
small figure coloured by their outcome (lost money, about even, profit; sim.metrics'
``outcome_shares``) and marked by it too (a minus, nothing, a plus: told apart without
colour), filled while still active, an outline once they have quit.

The figures are HTML with CSS (no image): a frame costs a few hundred bytes, and the text
stays sharp on a phone and a projector alike.
"""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import solara

from dashboards.view import View
from sim.i18n import fmt_int, t
from sim.metrics import OUTCOME_SHARES, outcome_shares
from sim.present import EVEN, LOSS, PROFIT

OUTCOMES = ("loss", "even", "profit")  # in the order of sim.metrics.OUTCOME_SHARES
COLOURS = dict(zip(OUTCOMES, (LOSS, EVEN, PROFIT), strict=True))
PERSON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 24">'
    '<circle cx="10" cy="6" r="4.6" {paint}/>'
    '<path d="M1.8 23.2 Q1.8 12.6 10 12.6 Q18.2 12.6 18.2 23.2 Z" {paint}/>{mark}</svg>'
)
# on the chest: a minus for a loss, nothing for about even, a plus for a profit
MARKS = {"loss": "M6 18.4 H14", "even": "", "profit": "M6 18.4 H14 M10 14.6 V22.2"}


def _figure(outcome: str, active: bool) -> str:
    colour = COLOURS[outcome]
    paint = f'fill="{colour}"' if active else f'fill="#fff" stroke="{colour}" stroke-width="1.8"'
    mark = (f'<path d="{MARKS[outcome]}" stroke="{"#fff" if active else colour}" '
            'stroke-width="2.2" fill="none"/>') if MARKS[outcome] else ""  # fmt: skip
    return "data:image/svg+xml," + quote(PERSON.format(paint=paint, mark=mark))


CSS = "\n".join(
    [
        ".nws-hundred { display: grid; grid-template-columns: repeat(10, 1fr); gap: 3px 4px;"
        " max-width: 300px; margin: 4px 0; }",
        # wider than a phone: 20 by 5, so the picture stays low
        "@media (min-width: 960px) { .nws-hundred { grid-template-columns: repeat(20, 1fr);"
        " max-width: 560px; } }",
        ".nws-hundred i { display: block; aspect-ratio: 5 / 6; background-size: contain;"
        " background-repeat: no-repeat; }",
        ".nws-present .nws-hundred { max-width: 760px; }",
        ".nws-legend i { display: inline-block; width: 0.9em; height: 1.1em;"
        " vertical-align: -0.15em; margin-right: 4px; background-size: contain;"
        " background-repeat: no-repeat; }",
    ]
    + [
        f".nws-hundred i.{o}{'a' if a else 'q'}, .nws-legend i.{o}{'a' if a else 'q'}"
        f" {{ background-image: url('{_figure(o, a)}'); }}"
        for o in OUTCOMES
        for a in (True, False)
    ]
)


def hundred(net: np.ndarray, active: np.ndarray) -> dict[tuple[str, bool], int]:
    """Everyone who joined as 100 people: (outcome, still active) -> how many.

    The shares are ``outcome_shares`` of the active and of those who quit, each weighted
    by its size; rounding to whole people keeps the largest remainders, so the counts
    add up to 100 (none before anyone has joined).
    """
    net, active = np.asarray(net), np.asarray(active, dtype=bool)
    if len(net) == 0:
        return {(o, a): 0 for o in OUTCOMES for a in (True, False)}
    exact = {}
    for still in (True, False):
        group = net[active == still]
        shares = outcome_shares(group) if len(group) else dict.fromkeys(OUTCOME_SHARES, 0.0)
        for o, key in zip(OUTCOMES, OUTCOME_SHARES, strict=True):
            exact[(o, still)] = 100 * shares[key] * len(group) / len(net)
    counts = {k: int(np.floor(v)) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: counts[k] - exact[k])  # largest remainder first
    for k in by_remainder[: 100 - sum(counts.values())]:
        counts[k] += 1
    return counts


def picture(counts: dict[tuple[str, bool], int], lang: str) -> str:
    """The 100 figures as HTML, losses first, those still active before those who quit."""
    cells = "".join(
        f'<i class="{o}{"a" if a else "q"}"></i>' * counts[(o, a)]
        for o in OUTCOMES
        for a in (True, False)
    )
    per = {o: counts[(o, True)] + counts[(o, False)] for o in OUTCOMES}
    quit_ = sum(counts[(o, False)] for o in OUTCOMES)
    label = t("hundred.picture", lang, quit=quit_,
              **{o: t(f"hundred.{o}", lang, n=per[o]) for o in OUTCOMES})  # fmt: skip
    return f'<div class="nws-hundred" role="img" aria-label="{label}">{cells}</div>'


def legend(counts: dict[tuple[str, bool], int], lang: str) -> str:
    """One line per outcome: how many, and how many of them have quit."""
    lines = []
    for o in OUTCOMES:
        total, gone = counts[(o, True)] + counts[(o, False)], counts[(o, False)]
        lines.append(
            f'<div class="nws-big" style="margin: 4px 0"><i class="{o}a"></i>'
            f"<b>{t(f'hundred.{o}', lang, n=total)}</b>"
            + (f" · {t('hundred.quit', lang, n=gone)}" if gone else "")
            + "</div>"
        )
    key = t("hundred.key", lang)
    lines.append('<div style="margin-top: 6px; font-size: 0.9em; color: #555">'
                 f'<i class="evena"></i>/<i class="evenq"></i> {key}</div>')  # fmt: skip
    return f'<div class="nws-legend">{"".join(lines)}</div>'


@solara.component
def HundredPanel(view: View, lang: str):
    counts = solara.use_memo(lambda: hundred(view.net, view.exit_week < 0), dependencies=[view])
    with solara.Card(t("hundred.title", lang), classes=["nws-hundred-card"]):
        solara.Style(CSS)
        with solara.ColumnsResponsive(12, large=[7, 5], gutters_dense=True):
            solara.HTML(tag="div", unsafe_innerHTML=picture(counts, lang))
            solara.HTML(tag="div", unsafe_innerHTML=legend(counts, lang))
        solara.Text(
            t("hundred.based_on", lang, week=view.week, joined=fmt_int(view.ever_joined, lang)),
            style={"font-size": "0.85em", "color": "#555"},
        )
