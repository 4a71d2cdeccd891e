"""The printable handout of one scenario: a few A4 pages as PDF, or one self-contained HTML file.

In English or German it shows the scenario in words, the key charts (the income
distribution over time, the outcome shares, how long people stay, the pyramid-risk panel),
plain-language findings from many replicates, and every parameter with its source. It is
built from what the runs report (``run_experiment``'s outcomes and pooled per-networker
table, one representative run's weekly series); its numbers are means and ranges of those.

The same inputs give the same bytes: the replicates come from one master seed, the
document carries no clock time and the charts no library stamp.
"""

from __future__ import annotations

import base64
import html
import io
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.experiments import describe, run_experiment
from sim.i18n import LANGS, count, fmt_eur, fmt_int, fmt_num, fmt_pct, fmt_value, t
from sim.metrics import (
    MONEY_PARTS,
    OUTCOME_SHARES,
    RISK_RULES,
    YEAR_WEEKS,
    kaplan_meier,
    money_by_month,
    pyramid_risk,
    replicate_band,
    survival_curves,
)
from sim.model import WEEKS_PER_MONTH, run
from sim.present import (
    BAND_ALPHA,
    BLUE,
    LIGHT_BLUE,
    LIGHT_TEXT,
    LIGHTS,
    MONEY_TICKS,
    PICTOGRAPH_COLOURS,
    PICTOGRAPH_MARKS,
    SYMLOG,
    band,
    money_axis,
    money_bars,
    money_title,
    outcome_bars,
    pictograph_cell,
    pictograph_svg,
    share_axis,
)
from sim.results import (
    owned_tempdir,
    versions,
)
from sim.scenario import Scenario, param_specs

if TYPE_CHECKING:
    from sim.disclosure import Disclosure

FORMATS = ("pdf", "html")
# PDF needs a creation date; a fixed one keeps the bytes the same from run to run.
CREATION_DATE = datetime(2000, 1, 1, tzinfo=UTC)
RULES = (
    "about.assumption_6",
    "about.assumption_1",
    "about.assumption_2",
    "about.assumption_3",
    "about.assumption_4",
)
# Packages that shape the document besides those of a result (sim.results.versions).
DOCUMENT_PACKAGES = ("matplotlib", "fpdf2")
CHART_DPI = 200


def keep_together(text: str) -> str:
    """No line break between a number and its unit sign: "100 €" and "58 %" stay whole."""
    return text.replace(" €", "\u00a0€").replace(" %", "\u00a0%")


def _check(lang: str, fmt: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


# ---- the content, once for both formats ---------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart as PNG, its title (the image's alternative text) and caption."""

    png: bytes
    title: str
    caption: str
    aspect: float  # height / width


@dataclass(frozen=True)
class RiskRow:
    """One rule of the pyramid-risk indicator as the panel shows it."""

    level: str
    label: str
    value: str
    thresholds: str
    text: str
    source: str


@dataclass(frozen=True)
class ParamRow:
    """One parameter: what it means, its value (and default if changed), its source."""

    key: str
    meaning: str
    value: str
    source: str
    assumption: bool


@dataclass(frozen=True)
class Handout:
    """Everything the handout says, in one language; the PDF and HTML only lay it out."""

    lang: str
    name: str
    title: str
    scenario_line: str
    settings: str
    versions: str
    words: str
    findings_intro: str
    findings: list[str]
    note: str
    income: Chart
    outcomes: Chart
    survival: Chart
    money_intro: str
    money: list[str]
    money_chart: Chart
    verdict: str
    verdict_text: str
    risk_intro: str
    risk_rows: list[RiskRow]
    rules: list[str]
    params_intro: str
    params: list[ParamRow]
    disclosure: Disclosure | None = None  # the scenario's income disclosure, two ways


def _mean(outcomes: pd.DataFrame, column: str) -> float:
    """The mean of an outcome over the replicates; a replicate without a value is left out."""
    return float(pd.to_numeric(outcomes[column], errors="coerce").mean())


def representative_seed(outcomes: pd.DataFrame) -> int:
    """The seed of the replicate whose loss share is closest to the median of all replicates."""
    loss = pd.to_numeric(outcomes.share_net_loss, errors="coerce").to_numpy()
    if np.isnan(loss).all():  # nobody joined in any replicate (a tiny market): the first
        return int(outcomes.seed.iloc[0])
    return int(outcomes.seed.iloc[int(np.nanargmin(np.abs(loss - np.nanmedian(loss))))])


def _years(weeks: int, lang: str) -> str:
    years = weeks / YEAR_WEEKS
    return fmt_int(years, lang) if weeks % YEAR_WEEKS == 0 else fmt_num(years, lang, 1)


def scenario_words(s: Scenario, lang: str) -> str:
    """The scenario's main parameters as a short paragraph."""
    c, costs, nw = s.compensation, s.costs, s.networker
    out = [
        t(
            "report.words_company_established"
            if s.simulation.company_age_years
            else "report.words_company",
            lang,
            plan=t(f"plan.{c.plan}", lang),
            founders=fmt_int(s.population.founders, lang),
            age=fmt_int(s.simulation.company_age_years, lang),
            population=fmt_int(s.population.size, lang),
            weeks=fmt_int(s.simulation.weeks, lang),
            years=_years(s.simulation.weeks, lang),
        ),
        t("report.words_kit", lang, kit=fmt_eur(costs.starter_kit, lang))
        if costs.starter_kit > 0
        else t("report.words_no_kit", lang),
        t("report.words_purchase", lang, purchase=fmt_eur(costs.required_purchase, lang))
        if costs.required_purchase > 0
        else t("report.words_no_purchase", lang),
        t("report.words_margin", lang, margin=fmt_pct(c.retail_margin, lang)),
    ]
    if c.plan == "recruitment_fee":
        out.append(
            t(
                "report.words_entry_fee",
                lang,
                fee=fmt_eur(c.entry_fee, lang),
                up=fmt_eur(sum(c.fee_shares), lang),
            )
        )
    out.append(
        t(
            "report.words_people",
            lang,
            part_time=fmt_pct(nw.part_time_share, lang),
            hours=fmt_value(nw.hours_median, lang),
            builders=fmt_pct(nw.builder_share, lang),
            tolerance=fmt_value(nw.tolerance_mean, lang),
            loss=fmt_eur(nw.loss_tolerance_median, lang),
        )
    )
    if s.training.enabled:
        tr = s.training
        out.append(
            t(
                "report.words_training",
                lang,
                share=fmt_pct(tr.share, lang),
                months=count("after_months", tr.months, lang),
                fee=fmt_eur(tr.fee, lang),
            )
        )
    if costs.own_purchase_value_share > 0:
        share = fmt_pct(costs.own_purchase_value_share, lang)
        out.append(t("report.words_purchases_value", lang, share=share))
    else:
        out.append(t("report.words_purchases_cost", lang))
    return " ".join(out)


def findings(outcomes: pd.DataFrame, verdict: str, lang: str) -> list[str]:
    """The plain-language findings: each number is a mean over the replicates."""
    per_100 = {
        name: fmt_int(100 * _mean(outcomes, f"share_{name}"), lang)
        for name in ("net_loss", "break_even", "profit")
    }
    first_year = _mean(outcomes, "first_year_dropout_share")
    return [
        t(
            "report.finding_outcomes",
            lang,
            loss=per_100["net_loss"],
            even=per_100["break_even"],
            profit=per_100["profit"],
        ),
        t("report.finding_median", lang, median=fmt_eur(_mean(outcomes, "net_income_p50"), lang)),
        t("report.finding_dropout", lang, share=fmt_pct(first_year, lang))
        if first_year == first_year
        else t("report.finding_dropout_none", lang),
        t(
            "report.finding_top",
            lang,
            share=fmt_pct(_mean(outcomes, "top1_commission_share"), lang),
        ),
        t("report.finding_verdict", lang, verdict=t(f"risk.verdict_{verdict}", lang)),
    ]


def _risk_value(key: str, value: float, lang: str) -> str:
    return fmt_num(value, lang, 1) if key == "median_customers" else fmt_pct(value, lang)


def risk_panel(outcomes: pd.DataFrame, lang: str) -> tuple[str, list[RiskRow]]:
    """The verdict and one row per rule, each rule judging its mean over the replicates."""
    means = {key: _mean(outcomes, key) for key in RISK_RULES}
    verdict, parts = pyramid_risk(means)
    rows = []
    for part in parts:
        key, rule = part["part"], RISK_RULES[part["part"]]
        good, bad = ("≥", "<") if rule.higher_is_better else ("≤", ">")
        limits = [t("report.green_at", lang, op=good, value=_risk_value(key, rule.green, lang))]
        if rule.red is not None:
            limits.append(t("report.red_at", lang, op=bad, value=_risk_value(key, rule.red, lang)))
        if part["level"] == "n/a":
            value, text = "", t("risk.not_applicable", lang)
        else:
            value = _risk_value(key, part["value"], lang)
            text = t(f"risk.{key}.text", lang, value=value)
        if not rule.decides:
            text += " " + t("risk.not_in_verdict", lang)
        rows.append(
            RiskRow(
                part["level"],
                t(f"risk.{key}.label", lang),
                value,
                "; ".join(limits),
                text,
                t(f"risk.{key}.source", lang),
            )
        )
    return verdict, rows


def _param_value(key: str, value: Any, unit: str, lang: str) -> str:
    if isinstance(value, bool):
        return t("ui.yes" if value else "ui.no", lang)
    if isinstance(value, str):
        return t(f"plan.{value}", lang) if key == "compensation.plan" else value
    if isinstance(value, list | tuple) and not value:
        return t("report.empty_list", lang)  # e.g. no rank ladder: no unit to show either
    if isinstance(value, list | tuple):
        text = " / ".join(fmt_value(v, lang) if not isinstance(v, str) else v for v in value)
    else:
        text = fmt_value(value, lang)
    if not unit:
        return text
    unit_text = t(f"unit.{unit}", lang)
    return f"{text}{unit_text}" if unit_text.startswith("-") else f"{text} {unit_text}"


def parameter_rows(s: Scenario, lang: str) -> list[ParamRow]:
    """Every parameter with its value, its default where the scenario changes it, its source."""
    values = s.to_dict()
    rows = []
    for key, spec in param_specs().items():
        section, name = key.split(".")
        value, default = values[section][name], spec["default"]
        text = _param_value(key, value, spec["unit"], lang)
        if (list(value) if isinstance(value, list | tuple) else value) != (
            list(default) if isinstance(default, list | tuple) else default
        ):
            text += "\n" + t(
                "report.default_was", lang, value=_param_value(key, default, spec["unit"], lang)
            )
        rows.append(
            ParamRow(
                key,
                t(f"param.{key}.doc", lang),
                text,
                t(f"param.{key}.source", lang),
                "assumption" in spec["source"].lower(),
            )
        )
    return rows


def version_line() -> str:
    """The versions the document depends on, without a date."""
    found = versions()
    for name in DOCUMENT_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    names = {"python": "Python"}
    return " · ".join(f"{names.get(k, k)} {v}" for k, v in found.items())


# ---- charts ---------------------------------------------------------------------------------

_RC = {
    "font.size": 8,
    "axes.titlesize": 9,
    "legend.fontsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    # no "Software" stamp: the bytes depend on the data, not on where they were drawn
    fig.savefig(buf, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buf.getvalue()


def income_chart(weekly: pd.DataFrame, lang: str) -> Figure:
    """Median, 25-75 % and 10-90 % bands of active networkers' monthly net income, by week."""
    fig = Figure(figsize=(7.0, 3.1), layout="constrained")
    ax = fig.add_subplot()
    w = weekly.week.to_numpy()
    col = {q: weekly[f"monthly_net_p{q}"].to_numpy(dtype=float) for q in (10, 25, 50, 75, 90)}
    ax.fill_between(
        w, col[10], col[90], color=BLUE, alpha=BAND_ALPHA, lw=0,
        label=t("report.band_p10_p90", lang),
    )  # fmt: skip
    # the middle half darker: the dashboard's light blue over the band
    ax.fill_between(
        w, col[25], col[75], color=LIGHT_BLUE, alpha=0.4, lw=0,
        label=t("report.band_p25_p75", lang),
    )  # fmt: skip
    ax.plot(w, col[50], color=BLUE, lw=2, label=t("chart.median", lang))
    ax.axhline(0, color="black", lw=0.6)
    ax.set_yscale("symlog", **SYMLOG)
    lo, hi = np.nanmin(col[10], initial=0.0), np.nanmax(col[90], initial=0.0)
    money_axis(ax.yaxis, [x for x in MONEY_TICKS if lo * 1.5 - 10 <= x <= hi * 1.5 + 10])
    ax.set_ylim(min(lo * 1.3, -12.0), max(hi * 1.3, 12.0))
    ax.set_xlim(0, max(int(w.max()) if len(w) else 1, 1))
    ax.set_xlabel(t("chart.week", lang))
    ax.set_ylabel(t("chart.monthly_net_eur", lang))
    ax.set_title(t("chart.income_over_time", lang))
    # below the plot: the bands may fill any corner of the axes
    fig.legend(loc="outside lower center", ncols=3, frameon=False)
    return fig


def outcome_chart(outcomes: pd.DataFrame, lang: str) -> Figure:
    """Loss / break-even / profit shares of everyone who joined, mean and 90 % of runs."""
    fig = Figure(figsize=(3.45, 2.9), layout="constrained")
    ax = fig.add_subplot()
    outcome_bars(ax, [describe(outcomes, OUTCOME_SHARES)], None, lang)
    ax.title.set_wrap(True)  # half the width of a page
    return fig


def survival_chart(
    pooled: pd.DataFrame, weeks: int, runs: int, first_year: float, lang: str
) -> Figure:
    """Share still active by weeks since joining: the median run and 90 % of the runs."""
    fig = Figure(figsize=(3.45, 2.9), layout="constrained")
    ax = fig.add_subplot()
    curves = survival_curves(pooled, weeks)
    # the tail rests on the few who joined first (the founders alone at the end): stop where
    # fewer than 50 a run can have been seen that long
    followed = kaplan_meier(pooled.join_week, pooled.exit_week, weeks).followed
    end = max(int(np.count_nonzero(followed >= 50 * runs)), 2)
    grid = np.arange(end)
    lo, mid, hi = replicate_band(curves[:, :end])
    band(ax, grid, lo, mid, hi)
    if end > YEAR_WEEKS and first_year == first_year:
        ax.axvline(YEAR_WEEKS, color="grey", lw=0.8, ls=":")
        ax.annotate(
            t("report.one_year", lang, share=fmt_pct(1 - first_year, lang)),
            (YEAR_WEEKS, 1 - first_year),
            xytext=(6, 14),
            textcoords="offset points",
            fontsize=7,
            arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.6},
        )
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, end - 1)
    share_axis(ax.yaxis, lang)
    ax.set_xlabel(t("chart.weeks_since_joining", lang))
    ax.set_ylabel(t("chart.share_active", lang))
    ax.set_title(t("chart.survival_title", lang))
    return fig


def money_chart(weekly: pd.DataFrame, summary: dict, lang: str) -> Figure:
    """Where each euro of the company's revenue went in one run, month by month."""
    fig = Figure(figsize=(7.0, 2.9), layout="constrained")
    ax = fig.add_subplot()
    money_bars(ax, money_by_month(weekly, WEEKS_PER_MONTH), lang)
    ax.set_title(money_title(summary, lang))
    return fig


def where_the_money_went(outcomes: pd.DataFrame, lang: str) -> list[str]:
    """The company's revenue and where it went, the payout ratio, the breakage and the
    own-purchase share: means over the runs, in words (docs/model.md §5.3)."""
    revenue = _mean(outcomes, "company_revenue")
    share = {k: _mean(outcomes, k) / revenue if revenue else float("nan") for k in MONEY_PARTS}
    return [
        t("report.money_split", lang, revenue=fmt_eur(revenue, lang),
          **{k: fmt_pct(v, lang) for k, v in share.items()}),
        t("report.money_payout", lang, ratio=fmt_pct(_mean(outcomes, "payout_ratio"), lang)),
        t("report.money_breakage", lang, breakage=fmt_eur(_mean(outcomes, "breakage"), lang)),
        t("report.money_own_purchases", lang,
          share=fmt_pct(_mean(outcomes, "own_purchase_share"), lang),
          margin=fmt_eur(_mean(outcomes, "retail_margin"), lang)),
    ]  # fmt: skip


def _chart(draw, *args, title: str, caption: str) -> Chart:
    with matplotlib.rc_context(_RC):
        fig = draw(*args)
        width, height = fig.get_size_inches()
        return Chart(_png(fig), title, caption, float(height / width))


# ---- gathering ------------------------------------------------------------------------------


def handout(
    scenario: Scenario,
    lang: str = "en",
    runs: int = 10,
    master_seed: int | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    disclosure: Disclosure | None = None,
) -> Handout:
    """Run the replicates and the representative run; say what they show in ``lang``.

    The content of the handout, before any layout; the arguments are those of
    ``build_report``.
    """
    _check(lang, "pdf")
    with owned_tempdir("report") as work:
        # a folder, not the default temporary one: the pooled table is read from it
        exp = run_experiment(
            scenario,
            runs,
            master_seed=master_seed,
            workers=workers,
            executor=executor,
            out=Path(work) / "experiment",
        )
        if exp.failures:
            first = exp.failures[0]
            raise RuntimeError(
                f"{len(exp.failures)} of {runs} replicates failed; the first (seed "
                f"{first['seed']}): {first['error']}"
            )
        pooled = exp.pooled_networkers(["join_week", "exit_week"])
    outcomes = exp.outcomes
    seed = representative_seed(outcomes)
    pictured = run(scenario, seed=seed)
    weekly = pictured.weekly
    weeks, size = scenario.simulation.weeks, scenario.population.size
    verdict, risk_rows = risk_panel(outcomes, lang)
    counts = outcomes.pyramid_risk.value_counts()
    first_year = _mean(outcomes, "first_year_dropout_share")
    params = parameter_rows(scenario, lang)
    return Handout(
        lang=lang,
        name=scenario.name,
        title=t("report.title", lang),
        scenario_line=t(
            "report.scenario", lang, name=scenario.name, description=scenario.describe(lang)
        ),
        settings=t(
            "report.settings",
            lang,
            runs=fmt_int(runs, lang),
            seed=exp.master_seed,
            population=fmt_int(size, lang),
            weeks=fmt_int(weeks, lang),
        ),
        versions=t("report.versions", lang, versions=version_line()),
        words=scenario_words(scenario, lang),
        findings_intro=t("report.findings_intro", lang, runs=fmt_int(runs, lang)),
        findings=findings(outcomes, verdict, lang),
        note=t("about.model_not_forecast", lang),
        income=_chart(
            income_chart,
            weekly,
            lang,
            title=t("chart.income_over_time", lang),
            caption=t("report.caption_income", lang, seed=seed, runs=runs),
        ),
        outcomes=_chart(
            outcome_chart,
            outcomes,
            lang,
            title=t("chart.outcomes_title", lang),
            caption=t("report.caption_outcomes", lang),
        ),
        survival=_chart(
            survival_chart,
            pooled,
            weeks,
            runs,
            first_year,
            lang,
            title=t("chart.survival_title", lang),
            caption=t("report.caption_survival", lang),
        ),
        money_intro=t("report.money_intro", lang, runs=fmt_int(runs, lang)),
        money=where_the_money_went(outcomes, lang),
        money_chart=_chart(
            money_chart,
            weekly,
            pictured.summary,
            lang,
            title=t("chart.money_name", lang),
            caption=t("report.caption_money", lang, seed=seed),
        ),
        verdict=verdict,
        verdict_text=t(f"risk.verdict_{verdict}", lang),
        risk_intro=t(
            "report.risk_intro",
            lang,
            runs=fmt_int(runs, lang),
            **{level: fmt_int(counts.get(level, 0), lang) for level in ("red", "amber", "green")},
        ),
        risk_rows=risk_rows,
        rules=[t(key, lang) for key in RULES],
        params_intro=t(
            "report.params_intro",
            lang,
            assumptions=fmt_int(sum(p.assumption for p in params), lang),
            total=fmt_int(len(params), lang),
        ),
        params=params,
        disclosure=disclosure,
    )


def build_report(
    scenario: Scenario,
    lang: str = "en",
    fmt: str = "pdf",
    runs: int = 10,
    master_seed: int | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    disclosure: Disclosure | None = None,
) -> bytes:
    """The handout of ``scenario`` as a PDF (A4) or as one self-contained HTML file.

    Args:
        scenario: the validated scenario.
        lang: "en" or "de".
        fmt: "pdf" or "html".
        runs: replicates the findings and charts rest on.
        master_seed: where the replicate seeds come from (default: the scenario's seed).
        workers: size of the local process pool (default: the number of cores).
        executor: any ``concurrent.futures.Executor`` instead of the local pool.
        disclosure: the scenario's income disclosure (``sim.disclosure``), shown in a
            section of the document; none: no such section.

    Returns:
        The document's bytes; the same inputs give the same bytes.

    Raises:
        ValueError: an unknown language or format (before anything runs), or runs < 1.
        RuntimeError: a replicate failed (the message names its seed).
    """
    _check(lang, fmt)
    content = handout(scenario, lang, runs, master_seed, workers, executor, disclosure)
    return render_pdf(content) if fmt == "pdf" else render_html(content)


# ---- PDF ------------------------------------------------------------------------------------

FONT = "DejaVu"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


def table_heads() -> Any:
    """The style of a PDF table's heading row."""
    from fpdf import FontFace

    return FontFace(emphasis="BOLD", fill_color=(234, 237, 240))


def render_pdf(h: Handout) -> bytes:
    """Lay the handout out on A4 pages."""
    from fpdf import FPDF, FontFace

    lang = h.lang

    class Doc(FPDF):
        def normalize_text(self, text: str) -> str:
            return super().normalize_text(keep_together(text))

        def footer(self) -> None:
            self.set_y(-11)
            self.set_font(FONT, "", 7)
            self.set_text_color(120)
            self.cell(
                0,
                4,
                t(
                    "report.footer",
                    lang,
                    name=h.name,
                    page=self.page_no(),
                    pages=self.str_alias_nb_pages,
                ),
                align="C",
            )

    pdf = Doc(format="A4", unit="mm")
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=16)
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for style, name in _FONT_FILES.items():
        pdf.add_font(FONT, style, str(fonts / name))
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_title(t("report.document_title", lang, name=h.name))
    pdf.set_lang(lang)
    pdf.set_creator("networker-sim")
    width = pdf.epw

    def need(mm: float) -> None:
        """Start a new page unless ``mm`` fit below (keeps a heading with what follows)."""
        if pdf.get_y() + mm > pdf.page_break_trigger:
            pdf.add_page()

    def text(body: str, size: float = 9.5, style: str = "", grey: int = 0, after: float = 2):
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(grey)
        pdf.multi_cell(0, size * 0.45, body, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(after)

    def heading(title: str, room: float = 40) -> None:
        pdf.ln(2)
        need(room)
        text(title, 13, "B", after=1.5)

    def bullets(items: list[str], size: float = 9.5) -> None:
        for item in items:
            pdf.set_font(FONT, "", size)
            pdf.set_text_color(0)
            pdf.cell(5, size * 0.45, "•")
            pdf.multi_cell(0, size * 0.45, item, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
        pdf.ln(1)

    def image(chart: Chart, x: float, y: float, w: float) -> float:
        pdf.image(io.BytesIO(chart.png), x=x, y=y, w=w, h=w * chart.aspect)
        return w * chart.aspect

    pdf.add_page()
    text(h.title, 17, "B", after=1)
    text(h.scenario_line, 11.5, after=1.5)
    text(h.settings, 8.5, grey=80, after=0.5)
    text(h.versions, 7, grey=110, after=3)

    heading(t("report.h_words", lang))
    text(h.words)
    heading(t("report.h_findings", lang))
    text(h.findings_intro, 8.5, "I", grey=80, after=1.5)
    bullets(h.findings)
    text(h.note, 8.5, "I", grey=80)

    heading(t("report.h_charts", lang), room=12 + width * h.income.aspect)
    pdf.set_y(pdf.get_y() + image(h.income, pdf.l_margin, pdf.get_y(), width) + 1)
    text(h.income.caption, 7.5, grey=80, after=3)
    half = (width - 4) / 2
    need(half * max(h.outcomes.aspect, h.survival.aspect) + 16)
    y = pdf.get_y()
    tall = max(
        image(h.outcomes, pdf.l_margin, y, half),
        image(h.survival, pdf.l_margin + half + 4, y, half),
    )
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(80)
    for i, chart in enumerate((h.outcomes, h.survival)):
        pdf.set_xy(pdf.l_margin + i * (half + 4), y + tall + 1)
        pdf.multi_cell(half, 3.4, chart.caption, align="L")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), y + tall + 12))
    pdf.ln(2)

    heading(t("report.h_money", lang), room=40 + width * h.money_chart.aspect)
    text(h.money_intro, 8.5, "I", grey=80, after=1.5)
    bullets(h.money)
    pdf.set_y(pdf.get_y() + image(h.money_chart, pdf.l_margin, pdf.get_y(), width) + 1)
    text(h.money_chart.caption, 7.5, grey=80, after=3)

    if h.disclosure is not None:
        heading(t("disclosure.h_disclosure", lang), room=90)
        disclosure_pdf(pdf, h.disclosure, lang, text, table_heads())

    heading(t("risk.title", lang), room=60)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(LIGHT_TEXT[h.verdict])
    pdf.multi_cell(0, 5.5, f"● {h.verdict_text}", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    text(h.risk_intro, 8.5, grey=60, after=2)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(0)
    heads = table_heads()
    with pdf.table(
        col_widths=(16, 26, 14, 30, 94),
        text_align="LEFT",
        line_height=3.4,
        borders_layout="HORIZONTAL_LINES",
        headings_style=heads,
        padding=(1, 1.2),
    ) as table:
        row = table.row()
        for key in ("col_light", "col_rule", "col_value", "col_thresholds", "col_reason"):
            row.cell(t(f"report.{key}", lang))
        for r in h.risk_rows:
            row = table.row()
            row.cell(
                f"● {t(f'report.level_{r.level}', lang)}",
                style=FontFace(color=LIGHT_TEXT[r.level], emphasis="BOLD"),
            )
            row.cell(r.label)
            row.cell(r.value)
            row.cell(r.thresholds)
            row.cell(f"{r.text}\n({r.source})")
    pdf.ln(2)
    text(t("risk.not_legal_advice", lang), 8.5, "B")

    heading(t("report.h_sources", lang))
    text(t("about.assumptions_title", lang), 10.5, "B", after=1)
    bullets(h.rules, 8.5)
    need(30)  # the introduction with the table's first rows
    text(h.params_intro, 8.5, grey=60, after=2)
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(0)
    mark = t("report.assumption_mark", lang)
    with pdf.table(
        col_widths=(72, 26, 76, 6),
        text_align="LEFT",
        line_height=3.1,
        borders_layout="HORIZONTAL_LINES",
        headings_style=heads,
        padding=(0.8, 1),
    ) as table:
        row = table.row()
        for key in ("about.key", "report.col_value", "about.source"):
            row.cell(t(key, lang))
        row.cell(mark)
        for p in h.params:
            style = FontFace(fill_color=(253, 242, 224)) if p.assumption else None
            row = table.row(style=style)
            row.cell(f"{p.meaning}\n{p.key}")
            row.cell(p.value)
            row.cell(p.source)
            row.cell(mark if p.assumption else "")
    return bytes(pdf.output())


def _pictograph_cell(pdf: Any, key: str, x: float, y: float, size: float) -> None:
    """One member of the pictograph on the PDF page: the square of ``pictograph_cell``."""
    pdf.set_fill_color(PICTOGRAPH_COLOURS[key])
    pdf.rect(x, y, size, size, style="F")
    pdf.set_draw_color(255)
    pdf.set_line_width(size * 0.14)
    for x0, y0, x1, y1 in PICTOGRAPH_MARKS[key]:
        pdf.line(x + x0 * size, y + y0 * size, x + x1 * size, y + y1 * size)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)


def disclosure_pdf(pdf: Any, d: Disclosure, lang: str, text: Any, heads: Any) -> None:
    """The income disclosure on the PDF's page: the company's framing as a table, the truth
    beside it in words, the pictograph of 100 members as squares in the shared palette with
    its legend, the recruiter's story and D1-D3 (the HTML's ``disclosure_section``)."""
    from sim.disclosure import pictograph_labels, rank_share, rank_title, target_line

    def k(key: str, **values: Any) -> str:
        return t(f"disclosure.{key}", lang, **values)

    def eur(x: float) -> str:
        return fmt_eur(x, lang)

    c, tr, r = d.company, d.truth, d.recruiter
    text(k("report_intro", people=fmt_int(d.people, lang)), 8.5, grey=60, after=1.5)
    text(k("company_head"), 10, "B", after=0.5)
    text(k("company_active", n=fmt_int(c.active_end, lang)) + "\n"
         + k("company_ranked", n=fmt_int(c.ranked, lang), share=fmt_pct(c.ranked_share, lang)),
         8.5, after=1)  # fmt: skip
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(0)
    cols = ("rank", "members", "share", "mean", "median", "low", "high")
    with pdf.table(col_widths=(44, 20, 22, 24, 24, 22, 24), text_align="LEFT", line_height=3.4,
                   borders_layout="HORIZONTAL_LINES", headings_style=heads,
                   padding=(0.8, 1)) as table:  # fmt: skip
        row = table.row()
        for col in cols:
            row.cell(k(f"report_{col}"))
        for x in c.ranks:
            row = table.row()
            row.cell(rank_title(x.title, bool(d.ladder), lang))
            row.cell(fmt_int(x.members, lang))
            row.cell(rank_share(x.share_of_active, lang))
            for v in (x.mean, x.median, x.low, x.high):
                row.cell(eur(v))
    pdf.ln(1)
    text(k("company_fine_print", left=fmt_int(c.left_excluded, lang)), 7.5, grey=80, after=2)
    text(k("truth_head"), 10, "B", after=0.5)
    truth = [
        k("truth_members", n=fmt_int(tr.members, lang)),
        k("truth_moves", joined=fmt_int(tr.joined, lang), left=fmt_int(tr.left, lang)).strip(),
        k("truth_net") + " " + k("truth_net_values", median=eur(tr.median_net),
                                 mean=eur(tr.mean_net)).strip(),
        k("truth_nothing", share=fmt_pct(tr.share_nothing, lang)),
        k("truth_lost", share=fmt_pct(tr.share_lost, lang)),
    ]  # fmt: skip
    text("\n".join(truth), 8.5, after=0.5)
    text(k("truth_costs"), 7.5, grey=80, after=1.5)
    text(k("pictograph_head"), 8.5, "B", after=1)
    cell = 4.2
    if pdf.get_y() + 10 * cell + 4 > pdf.page_break_trigger:
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y()
    keys = [k for k, n in zip(PICTOGRAPH_COLOURS, tr.pictograph, strict=True) for _ in range(n)]
    for i, key in enumerate(keys):
        _pictograph_cell(pdf, key, x0 + (i % 10) * cell, y0 + (i // 10) * cell, cell - 0.6)
    pdf.set_xy(x0 + 10 * cell + 4, y0)
    pdf.set_font(FONT, "", 8)
    for (key, label), n in zip(pictograph_labels(lang).items(), tr.pictograph, strict=True):
        y = pdf.get_y()
        _pictograph_cell(pdf, key, x0 + 10 * cell + 4, y + 0.3, 3.4)
        pdf.set_xy(x0 + 10 * cell + 8, y)
        pdf.cell(0, 4, f"{label} ({n})", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(x0 + 10 * cell + 4)
    pdf.set_xy(pdf.l_margin, y0 + 10 * cell + 2)
    text(k("recruiter_head"), 10, "B", after=0.5)
    text(k("recruiter_top", n=fmt_int(r.people, lang), members=fmt_int(tr.members, lang),
           gross=eur(r.mean_gross), net=eur(r.mean_net), threshold=eur(r.threshold_gross))
         + " " + k("recruiter_best", gross=eur(r.highest_gross), net=eur(r.highest_net)),
         8.5, after=1)  # fmt: skip
    text("\n".join(target_line(x, lang) for x in d.targets), 7.5, grey=60, after=2)


# ---- HTML -----------------------------------------------------------------------------------

ASSUMPTION_ROW = ' class="assumption"'
_CSS = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #111; max-width: 52em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 19pt; margin: 0 0 .2em; }
h2 { font-size: 14pt; margin: 1.4em 0 .4em; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 1em 0 .3em; break-after: avoid; }
.scenario { font-size: 12.5pt; margin: 0 0 .5em; }
.meta { color: #555; font-size: 8.5pt; margin: 0; }
.small { color: #444; font-size: 9pt; }
figure { margin: 1em 0; break-inside: avoid; }
figure img { width: 100%; height: auto; }
figcaption { color: #444; font-size: 8.5pt; }
.pair { display: flex; gap: 1.2em; }
.pair figure { flex: 1 1 0; }
.verdict { font-weight: bold; font-size: 12pt; }
.dot { font-weight: bold; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
th, td { text-align: left; vertical-align: top; padding: .25em .4em;
         border-bottom: 1px solid #ccc; }
th { background: #eaedf0; }
tr { break-inside: avoid; }
tr.assumption td { background: #fdf2e0; }
td .key { color: #666; font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; }
.advice { font-weight: bold; }
.framings { display: flex; flex-wrap: wrap; gap: 1.2em; }
.framings > div { flex: 1 1 18em; min-width: 0; border: 1px solid #ccc; padding: .2em .8em; }
.framings table { display: block; overflow-x: auto; max-width: 100%; }
.framings h3 { margin-top: .4em; }
.legend .box { display: inline-block; width: .9em; height: .9em; margin-right: .3em;
                   vertical-align: -.1em; border-radius: 2px; }
@page { size: A4; margin: 14mm 15mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  h2 { font-size: 13pt; }
  thead { display: table-header-group; }
}
"""


def render_html(h: Handout) -> bytes:
    """The handout as one HTML file: inline CSS, charts as data URIs, nothing fetched."""
    lang = h.lang

    def e(s: str) -> str:
        return html.escape(keep_together(s)).replace("\n", "<br>")

    def figure(c: Chart) -> str:
        data = base64.b64encode(c.png).decode("ascii")
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{e(c.title)}">'
            f"<figcaption>{e(c.caption)}</figcaption></figure>"
        )

    def dot(level: str, label: str) -> str:
        # the light in its colour, its word in a text colour of 4.5:1 (LIGHT_TEXT)
        light = f'<span style="color:{LIGHTS[level]}" aria-hidden="true">●</span>'
        word = f'<span style="color:{LIGHT_TEXT[level]}">{e(label)}</span>'
        return f'<span class="dot">{light} {word}</span>'

    risk_rows = "".join(
        f"<tr><td>{dot(r.level, t(f'report.level_{r.level}', lang))}</td><td>{e(r.label)}</td>"
        f"<td>{e(r.value)}</td><td>{e(r.thresholds)}</td>"
        f'<td>{e(r.text)}<br><span class="small">({e(r.source)})</span></td></tr>'
        for r in h.risk_rows
    )
    mark = t("report.assumption_mark", lang)
    param_rows = "".join(
        f"<tr{ASSUMPTION_ROW if p.assumption else ''}><td>{e(p.meaning)}<br>"
        f'<span class="key">{e(p.key)}</span></td><td>{e(p.value)}</td><td>{e(p.source)}</td>'
        f"<td>{mark if p.assumption else ''}</td></tr>"
        for p in h.params
    )
    heads = "".join(
        f"<th>{e(t(f'report.{k}', lang))}</th>"
        for k in ("col_light", "col_rule", "col_value", "col_thresholds", "col_reason")
    )
    light = f'<span style="color:{LIGHTS[h.verdict]}">●</span> '
    page = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t("report.document_title", lang, name=h.name))}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{e(h.title)}</h1>
<p class="scenario">{e(h.scenario_line)}</p>
<p class="meta">{e(h.settings)}</p>
<p class="meta">{e(h.versions)}</p>
</header>
<h2>{e(t("report.h_words", lang))}</h2>
<p>{e(h.words)}</p>
<h2>{e(t("report.h_findings", lang))}</h2>
<p class="small"><em>{e(h.findings_intro)}</em></p>
<ul>{"".join(f"<li>{e(f)}</li>" for f in h.findings)}</ul>
<p class="small"><em>{e(h.note)}</em></p>
<h2>{e(t("report.h_charts", lang))}</h2>
{figure(h.income)}
<div class="pair">{figure(h.outcomes)}{figure(h.survival)}</div>
<h2>{e(t("report.h_money", lang))}</h2>
<p class="small"><em>{e(h.money_intro)}</em></p>
<ul>{"".join(f"<li>{e(m)}</li>" for m in h.money)}</ul>
{figure(h.money_chart)}
<h2>{e(t("risk.title", lang))}</h2>
<p class="verdict" style="color:{LIGHT_TEXT[h.verdict]}">{light}{e(h.verdict_text)}</p>
<p class="small">{e(h.risk_intro)}</p>
<table><thead><tr>{heads}</tr></thead><tbody>{risk_rows}</tbody></table>
<p class="advice">{e(t("risk.not_legal_advice", lang))}</p>
{disclosure_section(h.disclosure, lang)}
<h2>{e(t("report.h_sources", lang))}</h2>
<h3>{e(t("about.assumptions_title", lang))}</h3>
<ul>{"".join(f"<li>{e(r)}</li>" for r in h.rules)}</ul>
<p class="small">{e(h.params_intro)}</p>
<table><thead><tr><th>{e(t("about.key", lang))}</th><th>{e(t("report.col_value", lang))}</th>
<th>{e(t("about.source", lang))}</th><th>{e(mark)}</th></tr></thead>
<tbody>{param_rows}</tbody></table>
</body>
</html>
"""
    return page.encode("utf-8")


def disclosure_section(d: Disclosure | None, lang: str) -> str:
    """The income disclosure, two ways: the company's framing and the truth side by side,
    the pictograph of 100 members as inline SVG with its legend, the recruiter's story."""
    if d is None:
        return ""
    from sim.disclosure import pictograph_labels, rank_share, rank_title, target_line

    def e(s: str) -> str:
        return html.escape(keep_together(s))

    def eur(x: float) -> str:
        return fmt_eur(x, lang)

    def k(key: str, **values: Any) -> str:
        return e(t(f"disclosure.{key}", lang, **values))

    c, tr, r = d.company, d.truth, d.recruiter
    cols = ("rank", "members", "share", "mean", "median", "low", "high")
    heads = "".join(f"<th>{k(f'report_{col}')}</th>" for col in cols)
    rows = "".join(
        f"<tr><td>{e(rank_title(x.title, bool(d.ladder), lang))}</td>"
        f"<td>{fmt_int(x.members, lang)}</td><td>{e(rank_share(x.share_of_active, lang))}</td>"
        + "".join(f"<td>{e(eur(v))}</td>" for v in (x.mean, x.median, x.low, x.high))
        + "</tr>"
        for x in c.ranks
    )
    labels = list(pictograph_labels(lang).items())
    legend = "".join(
        f'<li><svg class="box" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
        f"{pictograph_cell(key, 0, 0, 12)}</svg>{e(label)} ({n})</li>"
        for (key, label), n in zip(labels, tr.pictograph, strict=True)
    )
    picture = pictograph_svg(tr.pictograph, e(t("disclosure.pictograph_head", lang)))
    truth = [
        k("truth_members", n=fmt_int(tr.members, lang)),
        k("truth_moves", joined=fmt_int(tr.joined, lang), left=fmt_int(tr.left, lang)),
        k("truth_net") + " " + k("truth_net_values", median=eur(tr.median_net),
                                       mean=eur(tr.mean_net)),
        k("truth_nothing", share=fmt_pct(tr.share_nothing, lang)),
        k("truth_lost", share=fmt_pct(tr.share_lost, lang)),
    ]  # fmt: skip
    return f"""<section class="disclosure">
<h2>{k("h_disclosure")}</h2>
<p class="small">{k("report_intro", people=fmt_int(d.people, lang))}</p>
<div class="framings">
<div><h3>{k("company_head")}</h3>
<p>{k("company_active", n=fmt_int(c.active_end, lang))}<br>
{k("company_ranked", n=fmt_int(c.ranked, lang), share=fmt_pct(c.ranked_share, lang))}</p>
<table tabindex="0"><caption class="small">{k("report_company_caption")}</caption>
<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>
<p class="small">{k("company_fine_print", left=fmt_int(c.left_excluded, lang))}</p></div>
<div><h3>{k("truth_head")}</h3>
<p>{"<br>".join(truth)}</p>
<p class="small">{k("truth_costs")}</p>
<p><strong>{k("pictograph_head")}</strong></p>
{picture}
<ul class="legend">{legend}</ul></div>
</div>
<h3>{k("recruiter_head")}</h3>
<p>{
        k(
            "recruiter_top",
            n=fmt_int(r.people, lang),
            members=fmt_int(tr.members, lang),
            gross=eur(r.mean_gross),
            net=eur(r.mean_net),
            threshold=eur(r.threshold_gross),
        )
    }
{k("recruiter_best", gross=eur(r.highest_gross), net=eur(r.highest_net))}</p>
<h3>{k("targets_head")}</h3>
<ul>{"".join(f"<li>{e(target_line(x, lang))}</li>" for x in d.targets)}</ul>
</section>"""
