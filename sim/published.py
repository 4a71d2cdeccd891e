"""A company's published income disclosure statement, as a user enters it: ranks from the
lowest to the highest, each with the share of members at it and their average annual gross
income (optionally the median), and an optional row for the members with no rank and no
income. ``sim.own_company`` fits a scenario to it.

Two formats, read as data (never executed) and bounded like a scenario file
(``sim.scenario.check_size``, ``check_bounds``):

* TOML: ``company``, ``currency``, ``year``, ``source`` at the top, an optional
  ``[no_rank]`` table (``title``, ``share_percent``) and one ``[[rank]]`` table per rank
  (``title``, ``share_percent``, ``average_income``, optional ``median_income``).
* CSV: ``key,value`` lines (the same keys; ``no_rank,TITLE,SHARE``), then a header line
  ``title,share_percent,average_income[,median_income]`` and one line per rank. Lines
  starting with ``#`` are comments.

The templates of both are ``scenarios/companies/template.csv`` and ``template.toml``.
Every rule a table breaks is a ``StatementError`` naming the file, the line or rank and
the rule, in English and German (``sim/locales/*/own.toml``).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.i18n import Msg
from sim.resources import shipped
from sim.scenario import (
    MAX_RANKS,
    MAX_SCENARIO_BYTES,
    RANK_TITLE_CHARS,
    ScenarioError,
    cut,
    one_line,
    shown,
    toml_from_bytes,
    toml_value,
    upload_origin,
)

# the fit's defaults (sim.own_company), here so that the command line's parser reads them
# without loading the simulation
FIT_PEOPLE = 50_000  # about 530 members a run, a run in 5 s on one core (sim/own_company.py)
DEFAULT_RUNS, DEFAULT_START, DEFAULT_STEPS = 2, 8, 16

COMPANIES = shipped("scenarios") / "companies"  # the templates and published statements
CURRENCIES = {"EUR": 1.0, "USD": 0.92}  # EUR per unit; USD: assumption, ECB 2024 average
YEARS = (1950, 2100)
SUM_TOLERANCE = 0.5  # percentage points: published shares are rounded
HEAD = ("company", "currency", "year", "source")
COLUMNS = ("title", "share_percent", "average_income", "median_income")
REQUIRED_COLUMNS = COLUMNS[:3]


class StatementError(ScenarioError):
    """A disclosure table breaks a rule; the message names the file, the place and the rule."""


@dataclass(frozen=True)
class Rank:
    """One row of the statement, its money in the statement's currency.

    Attributes:
        title: the rank's name as the company writes it.
        share: the share of members at this rank, 0..1.
        income: their average annual gross income (0 for the row without rank).
        median: their median annual gross income, if published.
    """

    title: str
    share: float
    income: float = 0.0
    median: float | None = None


@dataclass(frozen=True)
class Statement:
    """A validated income disclosure statement.

    Attributes:
        company, currency, year, source: as entered; currency is EUR or USD.
        ranks: the ranks from the lowest to the highest.
        no_rank: the members with no rank and no income, if the statement lists them.
        origin: the file it came from, for messages.
    """

    company: str
    currency: str
    year: int
    source: str
    ranks: tuple[Rank, ...]
    no_rank: Rank | None = None
    origin: str = ""

    @property
    def rate(self) -> float:
        """EUR per unit of the statement's currency."""
        return CURRENCIES[self.currency]

    @property
    def rows(self) -> tuple[Rank, ...]:
        """Every row from the bottom: the one without rank (if any), then the ranks."""
        return ((self.no_rank,) if self.no_rank else ()) + self.ranks

    def to_toml(self) -> str:
        """The statement as a TOML file that ``read_statement`` reads back unchanged."""
        lines = [f"{key} = {toml_value(getattr(self, key))}" for key in HEAD]
        if self.no_rank:
            lines += ["", "[no_rank]", f"title = {toml_value(self.no_rank.title)}",
                      f"share_percent = {toml_value(_percent(self.no_rank.share))}"]  # fmt: skip
        for r in self.ranks:
            lines += ["", "[[rank]]", f"title = {toml_value(r.title)}",
                      f"share_percent = {toml_value(_percent(r.share))}",
                      f"average_income = {toml_value(r.income)}"]  # fmt: skip
            if r.median is not None:
                lines.append(f"median_income = {toml_value(r.median)}")
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        """The statement as a CSV file that ``read_statement`` reads back unchanged."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        for key in HEAD:
            w.writerow([key, getattr(self, key)])
        if self.no_rank:
            w.writerow(["no_rank", self.no_rank.title, repr(_percent(self.no_rank.share))])
        w.writerow(COLUMNS)
        for r in self.ranks:
            median = "" if r.median is None else repr(r.median)
            w.writerow([r.title, repr(_percent(r.share)), repr(r.income), median])
        return out.getvalue()


def _percent(share: float) -> float:
    return round(100 * share, 10)


# ---- reading -------------------------------------------------------------------------------


def read_statement(path: Path | str) -> Statement:
    """The statement in a file: TOML by the suffix ``.toml``, else CSV.

    Raises:
        StatementError: the file breaks a rule (see ``statement_from_bytes``).
    """
    path = Path(path)
    origin = one_line(path)
    try:
        check_table_size(path.stat().st_size, origin)
        with open(path, "rb") as f:
            data = f.read(MAX_SCENARIO_BYTES + 1)
    except OSError as exc:
        raise StatementError(Msg("cli.error.cannot_read", path=origin, detail=exc)) from None
    return statement_from_bytes(data, origin, toml=path.suffix.lower() == ".toml")


def statement_from_bytes(data: bytes, filename: str, toml: bool | None = None) -> Statement:
    """A statement from a file's content (an upload): TOML if ``toml`` (default: by the
    suffix of ``filename``), else CSV.

    Raises:
        StatementError: too large, not UTF-8, malformed, a key or column missing or
            unknown, a share outside 0..100 % or shares not adding up to 100 %, a negative
            income, ranks out of order (a lower average income above a higher one), a
            title twice; the message names the file, the line or rank, and the rule.
    """
    origin = upload_origin(filename) if "/" in filename or "\\" in filename else cut(filename)
    if toml is None:
        toml = str(filename).lower().endswith(".toml")
    check_table_size(len(data), origin)
    if toml:
        try:
            table = toml_from_bytes(data, origin)
        except StatementError:
            raise
        except ScenarioError as exc:  # the scenario parser's message: the same rules
            raise StatementError(exc.msg or str(exc), kind=exc.kind) from None
        return _from_toml(table, origin)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatementError(Msg("cli.error.cannot_read", path=origin, detail=exc)) from None
    return _from_csv(text, origin)


def check_table_size(size: int, origin: str) -> None:
    """Refuse a table larger than ``MAX_SCENARIO_BYTES`` (a table of 30 ranks needs a
    tenth of it): before it is read, where its size is known."""
    if size > MAX_SCENARIO_BYTES:
        raise _error("too_large", origin, size=size, limit=MAX_SCENARIO_BYTES)


def _from_toml(table: dict[str, Any], origin: str) -> Statement:
    known = (*HEAD, "no_rank", "rank")
    for key in table:
        if key not in known:
            raise _error("unknown_key", origin, key=cut(key), keys=", ".join(known))
    head = {key: table.get(key) for key in HEAD}
    no_rank = table.get("no_rank")
    if no_rank is not None:
        if not isinstance(no_rank, dict):
            raise _error("not_table", origin, key="no_rank")
        _known_keys(no_rank, ("title", "share_percent"), origin, Msg("own.where.no_rank"))
        no_rank = _row(no_rank, origin, Msg("own.where.no_rank"), income=False)
    ranks = table.get("rank", [])
    if not isinstance(ranks, list) or not all(isinstance(r, dict) for r in ranks):
        raise _error("not_table", origin, key="rank")
    rows = []
    for i, r in enumerate(ranks, start=1):
        where = Msg("own.where.rank", n=i)
        _known_keys(r, COLUMNS, origin, where)
        rows.append((where, _row(r, origin, where)))
    return _statement(head, no_rank, rows, origin)


def _from_csv(text: str, origin: str) -> Statement:
    rows = enumerate(csv.reader(io.StringIO(text)), start=1)
    lines = [(n, row) for n, row in rows if "".join(row).strip() and not _comment(row)]
    head: dict[str, Any] = {}
    no_rank = None
    header_at = next((i for i, (_, row) in enumerate(lines) if row[0].strip() == "title"), None)
    if header_at is None:
        raise _error("no_header", origin, columns=", ".join(COLUMNS))
    for n, row in lines[:header_at]:
        key, values = row[0].strip(), [c.strip() for c in row[1:]]
        where = Msg("own.where.line", n=n)
        if key == "no_rank":
            if len(values) < 2:
                raise _error("no_rank_cells", origin, where=where)
            no_rank = _row({"title": values[0], "share_percent": values[1]}, origin, where,
                           income=False)  # fmt: skip
        elif key in HEAD:
            head[key] = values[0] if values else ""
        else:
            raise _error("unknown_key", origin, key=cut(key), keys=", ".join((*HEAD, "no_rank")))
    n, header = lines[header_at]
    header = [c.strip() for c in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise _error("missing_column", origin, where=Msg("own.where.line", n=n),
                     columns=", ".join(missing), expected=", ".join(COLUMNS))  # fmt: skip
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise _error("unknown_column", origin, where=Msg("own.where.line", n=n),
                     column=cut(unknown[0]), expected=", ".join(COLUMNS))  # fmt: skip
    rows = []
    for n, row in lines[header_at + 1 :]:
        where = Msg("own.where.line", n=n)
        if len(row) > len(header):
            raise _error("row_length", origin, where=where, cells=len(row), columns=len(header))
        cells = {c: v.strip() for c, v in zip(header, row, strict=False) if v.strip() != ""}
        rows.append((where, _row(cells, origin, where)))
    return _statement(head, no_rank, rows, origin)


def _comment(row: list[str]) -> bool:
    return row[0].lstrip().startswith("#")


def _known_keys(row: dict, keys: tuple[str, ...], origin: str, where: Msg) -> None:
    for key in row:
        if key not in keys:
            raise _error("unknown_row_key", origin, where=where, key=cut(key), keys=", ".join(keys))


def _row(cells: dict[str, Any], origin: str, where: Msg, income: bool = True) -> Rank:
    """One row, checked: a title, a share within 0..100 %, incomes of at least 0."""
    title = cells.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _error("title", origin, where=where)
    title = one_line(title.strip())
    if len(title) > RANK_TITLE_CHARS:  # the ladder's limit (sim/scenario.py)
        raise _error("title_long", origin, where=where, title=cut(title), limit=RANK_TITLE_CHARS)
    share = _number(cells, "share_percent", origin, where)
    if not 0 < share <= 100:
        raise _error("share_range", origin, where=where, value=shown(share))
    values = {}
    if income:
        values["income"] = _number(cells, "average_income", origin, where)
        if "median_income" in cells:
            values["median"] = _number(cells, "median_income", origin, where)
        for key, name in (("income", "average_income"), ("median", "median_income")):
            if values.get(key, 0) < 0:
                raise _error("negative", origin, where=where, key=name, value=shown(values[key]))
    return Rank(title, share / 100, **values)


def _number(cells: dict[str, Any], key: str, origin: str, where: Msg) -> float:
    """A number as a table writes it: 1234.5, "1,234.50", "$1,234", "12.5 %"."""
    if key not in cells:
        raise _error("missing_value", origin, where=where, key=key)
    value = cells[key]
    if isinstance(value, str):
        text = value.replace(",", "").replace("%", "").replace("$", "").replace("€", "").strip()
        try:
            value = float(text)
        except ValueError:
            raise _error("number", origin, where=where, key=key, value=shown(value)) from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _error("number", origin, where=where, key=key, value=shown(value))
    return float(value)


def _statement(head: dict, no_rank: Rank | None, rows: list[tuple[Msg, Rank]], origin: str):
    """The statement from its checked parts, with the rules that span rows."""
    for key in HEAD:
        if head.get(key) in (None, ""):
            raise _error("missing_key", origin, key=key)
    for key in ("company", "source", "currency"):
        if not isinstance(head[key], str):
            raise _error("text", origin, key=key)
    currency = head["currency"].strip().upper()
    if currency not in CURRENCIES:
        raise _error("currency", origin, value=shown(head["currency"]),
                     known=", ".join(CURRENCIES))  # fmt: skip
    year = head["year"]
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if isinstance(year, bool) or not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        raise _error("year", origin, value=shown(year), lo=YEARS[0], hi=YEARS[1])
    if not rows:
        raise _error("no_ranks", origin)
    if len(rows) > MAX_RANKS:
        raise _error("too_many_ranks", origin, n=len(rows), limit=MAX_RANKS)
    seen: dict[str, Msg] = {}
    if no_rank:
        seen[no_rank.title.casefold()] = Msg("own.where.no_rank")
    for i, (where, rank) in enumerate(rows):
        first = seen.get(rank.title.casefold())
        if first is not None:
            raise _error("duplicate", origin, where=where, title=cut(rank.title), first=first)
        seen[rank.title.casefold()] = where
        if i and rank.income < rows[i - 1][1].income:
            before = rows[i - 1][1]
            raise _error("order", origin, where=where, title=cut(rank.title), value=rank.income,
                         previous=cut(before.title), before=before.income)  # fmt: skip
    total = 100 * sum(r.share for r in [*(r for _, r in rows), *([no_rank] if no_rank else [])])
    if abs(total - 100) > SUM_TOLERANCE:
        raise _error("sum", origin, total=round(total, 2), lo=100 - SUM_TOLERANCE,
                     hi=100 + SUM_TOLERANCE)  # fmt: skip
    return Statement(one_line(head["company"].strip()), currency, year,
                     one_line(head["source"].strip()), tuple(r for _, r in rows), no_rank,
                     origin)  # fmt: skip


def _error(rule: str, origin: str, **values: Any) -> StatementError:
    return StatementError(Msg(f"own.error.{rule}", origin=origin, **values), kind=rule)


# ---- the shipped files ---------------------------------------------------------------------


def template(fmt: str) -> str:
    """The template in ``fmt`` (csv or toml), as shipped."""
    return (COMPANIES / f"template.{fmt}").read_text(encoding="utf-8")


def published_names() -> list[str]:
    """The published statements shipped in scenarios/companies/ (not the templates, not
    the scenarios fitted to them, ``*-fitted.toml``)."""
    stems = (p.stem for p in COMPANIES.glob("*.toml"))
    return sorted(s for s in stems if s != "template" and not s.endswith("-fitted"))
