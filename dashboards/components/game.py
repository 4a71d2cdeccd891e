"""The class game's pages (issue 25): the panel that starts a game, the teacher's page (the
join code for the projector, the controls, the reveal) and the student's page (join, decide,
see the month). Which page a tab shows is in its address (``dashboards.game.Link``); the
game itself is in the server's registry (``dashboards.game``), so a reload shows the same.

A page of a game follows it in a thread of its own session (as a follower follows a room,
``dashboards.follow``): when the teacher advances, every student's page renders the new
month, built from the reports the round left in the registry.
"""

from __future__ import annotations

import csv
import html
import io
import json
import threading
from dataclasses import replace

import solara
import solara.lab

from dashboards import drawing, state
from dashboards import game as games
from dashboards.components.md import Md
from dashboards.components.panels import NamedImage
from sim.i18n import fmt_eur, fmt_int, fmt_pct, t
from sim.present import ORANGE as STUDENT  # a student's mark, as in dashboards/game_charts

tick = solara.reactive(0)  # per tab: the game changed (its thread sets it, the page renders)
PAGE_THREAD = "networker-sim game page"
TEACHER_PAUSE = 0.5  # seconds between two renders of the teacher's page
CSS = """
.nws-game-code { font-size: clamp(2.5rem, 7vw, 7.5rem); font-weight: 700; letter-spacing: 0.1em;
  line-height: 1.05; font-family: monospace; color: #004488; white-space: nowrap; }
.nws-present .nws-game-code { font-size: clamp(3rem, 9vw, 10rem); }
.nws-game-big { font-size: 1.25rem; }
.nws-game-figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5em, 1fr));
  gap: 4px 12px; }
.nws-game-figures b { white-space: nowrap; }
.nws-md a { text-decoration: underline; }  /* a link is told apart without colour */
.nws-game-approach.v-btn-toggle { flex-wrap: wrap; max-width: 100%; }
.nws-game-approach .v-btn { flex: 1 1 auto; }
"""


def Line(text: str, style: dict | None = None, classes: list[str] | None = None) -> None:
    """A line of plain text, a block of its own (``solara.Text`` runs on in the line)."""
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), style=style or {},
                classes=classes or [])  # fmt: skip


def plain(text: str) -> str:
    """A nickname inside Markdown: shown as typed, never as markup."""
    escaped = html.escape(str(text), quote=True)
    return "".join(f"\\{c}" if c in "\\`*_{}[]()#+-.!|~>" else c for c in escaped)


def _address(path: str | None) -> str:
    """This server's address as the teacher's browser reached it."""
    headers = solara.lab.headers.value or {}
    host = (headers.get("host") or [""])[0]
    scheme = (headers.get("x-forwarded-proto") or ["http"])[0]
    return f"{scheme}://{host}{path or '/'}" if host else (path or "/")


def _follow(table: games.Table | None, teacher: bool, student: int | None):
    """Start the thread that renders this tab's page when the game changes; the effect's
    cleanup stops it."""
    if table is None:
        return None
    stop = threading.Event()
    drawing.start_drawing(_follow_loop, table, teacher, student, stop, name=PAGE_THREAD)
    return stop.set


def _follow_loop(
    table: games.Table, teacher: bool, student: int | None, stop: threading.Event
) -> None:
    seen = table.count(teacher)
    while not stop.is_set() and table.open and state.session_alive():
        if drawing.ENDING.is_set():
            break
        now = table.wait(teacher, seen, timeout=1.0)
        if stop.is_set():
            break
        ticking = teacher and table.timer is not None and not table.timer_paused
        if now != seen or ticking:  # the teacher's countdown moves every second
            seen = now
            shown = table.game.round
            with state._turn:  # pages take turns, as every Step's does (state.show)
                tick.value += 1  # renders this tab's page, in this thread
            if student is not None:
                table.built(student, shown)
            else:  # a class's pages built one after the other: the teacher's page follows
                stop.wait(TEACHER_PAUSE)  # at most twice a second, not once per student


# ---- starting a game ------------------------------------------------------------------------


@solara.component
def GameStart(lang: str):
    """On the Class panel: choose a scenario and the months, start, open the teacher's page."""
    router = solara.use_router()
    scenario, set_scenario = solara.use_state(state.DEFAULT_SCENARIO)
    rounds, set_rounds = solara.use_state(games.DEFAULT_ROUNDS)
    problem, set_problem = solara.use_state(None)

    def start() -> None:
        from sim.scenario import ScenarioError

        try:
            table = games.open_game(scenario, rounds)
        except (ScenarioError, ValueError) as exc:
            set_problem(exc.message(lang) if isinstance(exc, ScenarioError) else str(exc))
            return
        router.push(f"{router.path or '/'}?game={table.code}&teacher={table.teacher}")

    with solara.Column(gap="4px", style={"margin-top": "12px"}):
        Md(f"**{t('game.title', lang)}**")
        Line(t("game.intro", lang), style={"font-size": "0.9em"})
        solara.Select(t("game.scenario", lang), value=scenario, values=state.scenario_names(),
                      on_value=set_scenario)  # fmt: skip
        Line(f"{t('game.rounds', lang)}: {rounds}")
        solara.SliderInt("", value=rounds, min=1, max=games.MAX_ROUNDS, on_value=set_rounds)
        solara.Button(t("game.start", lang), on_click=start, color="secondary")
        if problem:
            solara.Error(problem)


# ---- the page of a game ---------------------------------------------------------------------


@solara.component
def GamePage(link: games.Link):
    lang = state.lang.value
    table = games.find(link.code)
    teacher = link.teacher is not None
    mine = not teacher and table is not None and link.player is not None
    student = link.player if mine and table.check(link.player, link.key) else None
    solara.use_effect(lambda: _follow(table, teacher, student), [table, teacher, student])
    solara.Style(CSS)
    if table is None:
        solara.Warning(t("game.unknown", lang, code=plain(link.code)))
        solara.Button(t("game.to_dashboard", lang), href="/", color="primary", outlined=True)
    elif teacher:
        if table.is_teacher(link.teacher):
            TeacherPage(table, lang)
        else:
            solara.Error(t("game.wrong_teacher", lang, code=table.code))
    elif link.player is not None:
        if table.check(link.player, link.key):
            StudentPage(table, link.player, link.key, lang)
        else:
            solara.Error(t("game.wrong_key", lang, code=table.code))
            JoinForm(table, lang)
    else:
        JoinForm(table, lang)


def _month(table: games.Table, lang: str) -> str:
    game = table.game
    if game.round == 0:
        return t("game.before_start", lang)
    return t("game.month_of", lang, round=game.round, rounds=game.rounds)


# ---- the student's pages -----------------------------------------------------------------------


@solara.component
def JoinForm(table: games.Table, lang: str):
    tick.value  # noqa: B018 -- read: the game's thread renders this part through it
    router = solara.use_router()
    nickname, set_nickname = solara.use_state("")
    problem, set_problem = solara.use_state(None)

    def join(name: str | None) -> None:
        from sim.game import GameError

        try:
            pid, secret = table.join(name)
        except OverflowError:
            set_problem(t("game.full", lang, code=table.code, n=games.MAX_PLAYERS))
            return
        except GameError as exc:  # the game is over, or the company has nobody left to join
            set_problem(exc.message(lang))
            return
        router.push(f"{router.path or '/'}?game={table.code}&player={pid}&key={secret}")

    with solara.Card(t("game.join.title", lang, code=table.code)):
        Line(_month(table, lang))
        solara.InputText(t("game.join.nickname", lang), value=nickname, on_value=set_nickname,
                         continuous_update=True)  # fmt: skip
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.Button(t("game.join.join", lang), color="primary",
                          on_click=lambda: join(nickname.strip() or None))  # fmt: skip
            solara.Button(t("game.join.pick", lang), outlined=True, color="primary",
                          on_click=lambda: join(None))  # fmt: skip
        Line(t("game.join.hint", lang), style={"font-size": "0.9em"})
        if problem:
            solara.Error(problem)


@solara.component
def StudentPage(table: games.Table, pid: int, key: str, lang: str):
    tick.value  # noqa: B018 -- read: the game's thread renders this part through it
    with table.lock:
        player = table.game.player(pid, key)
        reports = list(player.months)  # made once, when the round was computed
        game = table.game
        finished, paused = table.finished, table.timer_paused
        left = table.seconds_left()
        decided = pid in table.decided
    Md(t("game.student.you_are", lang, name=plain(player.nickname), code=table.code))
    Line(_month(table, lang), classes=["nws-game-big"])
    if reports:
        MonthPanel(table, pid, reports, lang)
    if not player.active:
        solara.Info(t("game.student.gone", lang))
    if finished:
        solara.Info(t("game.over", lang, rounds=game.rounds))
        Line(t("game.student.end", lang))
    elif player.active:
        if paused:
            solara.Warning(t("game.student.paused", lang))
        elif left is not None:
            Line(t("game.student.next_in", lang, round=game.round + 1, s=round(left)))
        else:
            Line(t("game.student.waiting", lang, round=game.round + 1))
        # keyed: the month's panel that comes before it after round 1 does not make it anew
        Decisions(table, pid, key, game.round + 1, decided, lang).key("decisions")
    if len(reports) > 1:
        History(reports, lang)


@solara.component
def Decisions(table: games.Table, pid: int, key: str, coming: int, decided: bool, lang: str):
    """The choices for round ``coming``: rendered when the round, ``decided`` or a choice
    changes (the page's other renders, the timer's seconds, leave it alone)."""
    # a decision wakes only the teacher's page: this page renders it itself
    _, set_changes = solara.use_state(0)
    # one callback for every render, so that the controls' arguments stay the same
    changed = solara.use_memo(lambda: lambda: set_changes(lambda n: n + 1), [])
    with table.lock:
        player = table.game.player(pid, key)
        now = player.decision
        decided = decided or pid in table.decided
        cost = table.game.model.params.training.fee
        trained = bool(table.game.model.ledger.trained[player.nid])
    with solara.Card(t("game.student.decide", lang, round=coming)):
        Line(t("game.student.keep", lang), style={"font-size": "0.9em"})
        Controls(table, pid, key, now, trained, cost, lang, changed)
        if decided:
            Line(t("game.student.saved", lang, round=coming), style={"color": "#117733"})


@solara.component
def Controls(table: games.Table, pid: int, key: str, now, trained: bool, cost: float,
             lang: str, changed) -> None:  # fmt: skip
    """The sliders, buttons and switches of a decision: rendered again only when the
    decision (``now``) or the training's state changed, not with every round."""
    from sim.game import GameError

    confirm, set_confirm = solara.use_state(False)
    problem, set_problem = solara.use_state(None)

    def change(**what) -> None:
        try:
            table.decide(pid, key, replace(now, **what))
        except GameError as exc:
            set_problem(exc.message(lang))
            return
        set_problem(None)
        changed()

    Line(f"{t('game.student.hours', lang)}: {now.hours:g}")
    solara.SliderFloat("", value=now.hours, min=0.5, max=40, step=0.5,
                       on_value=lambda x: change(hours=float(x)))  # fmt: skip
    Line(f"{t('game.student.recruiting', lang)}: {fmt_pct(now.recruiting, lang)}")
    solara.SliderInt("", value=round(now.recruiting * 100), min=0, max=100, step=10,
                     on_value=lambda x: change(recruiting=x / 100))  # fmt: skip
    labels = {t("game.student.friends", lang): "friends",
              t("game.student.strangers", lang): "strangers"}  # fmt: skip
    Line(t("game.student.approach", lang))
    solara.ToggleButtonsSingle(
        value=next(k for k, v in labels.items() if v == now.approach),
        values=list(labels),
        on_value=lambda label: change(approach=labels[label]),
        classes=["nws-game-approach"],
    )
    solara.Switch(label=t("game.student.autoship", lang), value=now.autoship,
                  on_value=lambda x: change(autoship=bool(x)))  # fmt: skip
    if trained:
        Line(t("game.student.trained", lang))
    else:
        solara.Switch(
            label=t("game.student.training", lang, cost=fmt_eur(cost, lang)),
            value=now.training,
            on_value=lambda x: change(training=bool(x)),
        )
    if now.quit:
        coming = table.game.round + 1
        solara.Warning(t("game.student.quitting", lang, round=coming))
        solara.Button(t("game.student.quit_no", lang), outlined=True,
                      on_click=lambda: change(quit=False))  # fmt: skip
    elif confirm:
        solara.Warning(t("game.student.quit_confirm", lang))
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.Button(t("game.student.quit_yes", lang), color="primary",
                          on_click=lambda: (set_confirm(False), change(quit=True)))  # fmt: skip
            solara.Button(t("game.student.quit_no", lang), outlined=True,
                          on_click=lambda: set_confirm(False))  # fmt: skip
    else:
        solara.Button(t("game.student.quit", lang), outlined=True, color="primary",
                      on_click=lambda: set_confirm(True))  # fmt: skip
    if problem:
        solara.Error(problem)


@solara.component
def MonthPanel(table: games.Table, pid: int, reports: list, lang: str):
    last = reports[-1]
    figures = [
        ("contacts", fmt_int(last.contacts, lang)),
        ("refusals", fmt_int(last.refusals, lang)),
        ("customers", fmt_int(last.customers, lang)),
        ("recruits", fmt_int(last.recruits, lang)),
        ("money_in", fmt_eur(last.money_in, lang)),
        ("money_out", fmt_eur(last.money_out, lang)),
        # the products bought count as value received where the scenario says so: without
        # this line, money in - money out would not give the month's net
        *([("product_value", fmt_eur(last.product_value, lang))] if last.product_value else []),
        ("net", fmt_eur(last.net, lang)),
        ("total", fmt_eur(last.cumulative_net, lang)),
    ]
    with solara.Card(t("game.student.month", lang, round=last.round)):
        cells = "".join(f"<div>{html.escape(t(f'game.student.{k}', lang))}: <b>{html.escape(v)}"
                        "</b></div>" for k, v in figures)  # fmt: skip
        solara.HTML(tag="div", unsafe_innerHTML=cells, classes=["nws-game-figures"])
        if last.lost_heart:
            refusals = fmt_int(last.refusals_in_a_row, lang)
            solara.Warning(t("game.student.lost_heart", lang, refusals=refusals))
        pct = fmt_pct(last.percentile / 100, lang)
        Line(t("game.student.standing", lang, pct=pct))
        nets = table.nets()
        if len(nets):
            chart = table.chart(-2, f"standing/{lang}", lambda: _standing(nets, lang))
            said = t("game.student.chart_said", lang, n=fmt_int(len(nets), lang),
                     net=fmt_eur(last.cumulative_net, lang), pct=pct)  # fmt: skip
            _Marked(chart, chart.at(last.cumulative_net), t("game.student.chart_you", lang), said)


def _standing(nets, lang: str):
    from dashboards.game_charts import standing

    return standing(nets, lang)


def _Marked(chart, x: float, you: str, said: str) -> None:
    """The class's chart with this student's mark laid over it at ``x`` (0..1 across):
    one drawing per round serves every phone (a drawing each took a class ~10 s)."""
    data = chart.base64
    top, height = chart.top * 100, (chart.bottom - chart.top) * 100
    at = f"position:absolute;left:{x * 100:.2f}%;top:{top:.2f}%"
    mark = (f'<div style="{at};height:{height:.2f}%;border-left:3px solid {STUDENT}"></div>'
            f'<div style="{at};color:{STUDENT};font-weight:bold;font-size:0.8em;'
            f'padding-left:4px">{html.escape(you)}</div>')  # fmt: skip
    inner = (f'<div aria-hidden="true" style="position:relative;width:100%">'
             f'<img src="data:image/png;base64,{data}" alt="" style="width:100%;display:block">'
             f"{mark}</div>")  # fmt: skip
    with solara.v.Html(tag="div", attributes={"role": "img", "aria-label": said}):
        solara.HTML(tag="div", unsafe_innerHTML=inner)


@solara.component
def History(reports: list, lang: str):
    """The months so far as a table: plain HTML (a Markdown table per phone and round cost
    the class's pages a parser run each)."""
    head = ["#", t("game.student.net", lang), t("game.student.total", lang),
            t("game.student.refusals", lang)]  # fmt: skip
    cell = '<{0} style="text-align: right;">{1}</{0}>'
    rows = "".join(
        "<tr>" + "".join(cell.format("td", html.escape(x)) for x in (
            str(r.round), fmt_eur(r.net, lang), fmt_eur(r.cumulative_net, lang),
            fmt_int(r.refusals, lang))) + "</tr>"
        for r in reversed(reports)
    )  # fmt: skip
    head = "".join(cell.format("th", html.escape(h)) for h in head)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    with solara.Details(t("game.student.history", lang)):
        solara.HTML(tag="div", unsafe_innerHTML=table, classes=["nws-md"])


# ---- the teacher's page -------------------------------------------------------------------------


@solara.component
def TeacherPage(table: games.Table, lang: str):
    tick.value  # noqa: B018 -- read: the game's thread renders this part through it
    router = solara.use_router()
    timer, set_timer = solara.use_state(games.TIMER_CHOICES[1])
    with table.lock:
        game = table.game
        players = list(table.game.players)
        reports = {p.pid: list(p.months) for p in players}
        decided = len(table.decided)
        running, paused, left = table.timer, table.timer_paused, table.seconds_left()
        names, revealed, took = table.names_shown, table.revealed, table.round_seconds
        views = table.views_seconds
        finished = table.finished
    base = _address(router.path)
    with solara.ColumnsResponsive(12, large=[5, 7], gutters_dense=True):
        with solara.Card():
            Line(t("game.teacher.code", lang))
            solara.HTML(tag="div", unsafe_innerHTML=table.code, classes=["nws-game-code"])
            Md(t("game.teacher.join_at", lang, address=f"{base}?game={table.code}"))
            with solara.Details(t("game.teacher.secret_title", lang)):
                Md(t("game.teacher.secret_link", lang,
                     link=f"{base}?game={table.code}&teacher={table.teacher}"))  # fmt: skip
            if table.replay_of:
                solara.Info(t("game.teacher.replay_of", lang, code=table.replay_of))
        with solara.Card():
            Line(_month(table, lang), classes=["nws-game-big"])
            if finished:
                solara.Info(t("game.over", lang, rounds=game.rounds))
            Line(t("game.teacher.players", lang, n=len(players)))
            if players and not finished:
                Line(t("game.teacher.decided", lang, n=decided, total=len(players)))
            with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
                solara.Button(t("game.teacher.next", lang), color="primary",
                              disabled=finished, on_click=table.advance)  # fmt: skip
                if running is None:
                    solara.Select(t("game.teacher.timer", lang), value=timer,
                                  values=list(games.TIMER_CHOICES), on_value=set_timer,
                                  style={"max-width": "14em"})  # fmt: skip
                    solara.Button(t("game.teacher.timer_start", lang), disabled=finished,
                                  on_click=lambda: table.set_timer(timer))  # fmt: skip
                else:
                    pause = "game.teacher.resume" if paused else "game.teacher.pause"
                    solara.Button(t(pause, lang),
                                  on_click=lambda: table.pause(not paused))  # fmt: skip
                    solara.Button(t("game.teacher.timer_stop", lang), outlined=True,
                                  on_click=lambda: table.set_timer(None))  # fmt: skip
            if running is not None:
                if paused:
                    solara.Warning(t("game.teacher.paused", lang))
                else:
                    Line(t("game.teacher.left", lang, s=round(left or 0)))
            solara.Switch(label=t("game.teacher.names", lang), value=names,
                          on_value=table.show_names)  # fmt: skip
            shown = "game.teacher.hide_reveal" if revealed else "game.teacher.reveal"
            solara.Button(t(shown, lang),
                          color="primary", outlined=not revealed,
                          on_click=lambda: table.reveal(not revealed))  # fmt: skip
            if took is not None:
                built = "…" if views is None else f"{views:.2f}"
                Line(t("game.teacher.took", lang, s=f"{took:.2f}", built=built),
                            style={"font-size": "0.85em"})  # fmt: skip
            with solara.Row(style={"flex-wrap": "wrap"}):
                name = f"class-game-{table.code}"
                solara.FileDownload(lambda: rows_csv(table), filename=f"{name}.csv",
                                    label=t("game.teacher.csv", lang))  # fmt: skip
                solara.FileDownload(lambda: log_json(table), filename=f"{name}.json",
                                    label=t("game.teacher.log", lang))  # fmt: skip
            solara.Button(t("game.teacher.replay", lang), outlined=True,
                          on_click=lambda: _replay(table, router))  # fmt: skip
    if not players:
        Line(t("game.teacher.nobody", lang))
    elif game.round > 0:
        ClassTable(table, players, reports, names, lang)
    if revealed:
        Reveal(table, players, names, lang)


def label_of(player, names: bool, lang: str) -> str:
    return player.nickname if names else t("game.teacher.anonymous", lang, n=player.pid + 1)


@solara.component
def ClassTable(table: games.Table, players: list, reports: dict, names: bool, lang: str):
    head = [t(f"game.teacher.col_{c}", lang) for c in ("name", "month", "total", "place", "state")]
    rows = []
    for player in players:
        months = reports.get(player.pid) or []
        if not months:
            continue
        last = months[-1]
        status = "active" if last.active else "quit"
        words = t(f"game.teacher.{status}", lang)
        if last.lost_heart and last.active:
            words += f", {t('game.teacher.lost_heart', lang)}"
        cells = [
            plain(label_of(player, names, lang)),
            fmt_eur(last.net, lang),
            fmt_eur(last.cumulative_net, lang),
            fmt_pct(last.percentile / 100, lang),
            words,
        ]
        rows.append(f"| {' | '.join(cells)} |")
    with solara.Card(t("game.teacher.last_month", lang, round=table.game.round)):
        Md("\n".join([f"| {' | '.join(head)} |", "|---|---:|---:|---:|---|", *rows]))


@solara.component
def Reveal(table: games.Table, players: list, names: bool, lang: str):
    tick.value  # noqa: B018 -- read: the game's thread renders this part through it
    with table.lock:
        reveal = table.game.reveal()
        nets = table.nets()
        view = table.snapshot()
    by_pid = {p.pid: p for p in players}
    students = [s for s in reveal.students if s.pid in by_pid]
    with solara.Card(t("game.reveal.title", lang)):
        if len(nets):
            marks = [
                (s.net, label_of(by_pid[s.pid], names, lang) if names else "") for s in students
            ]
            png = _cached(table, ("class", names, lang), lambda: _class_png(nets, marks, lang))
            NamedImage(png, t("game.reveal.distribution_said", lang, n=fmt_int(len(nets), lang),
                              k=len(students)))  # fmt: skip
        Md(f"**{t('game.reveal.class_vs', lang)}**")
        Line(t("game.reveal.class_median", lang, net=fmt_eur(reveal.class_median, lang),
                      n=len(students)))  # fmt: skip
        if reveal.similar_n:
            Line(t("game.reveal.sim_median", lang, net=fmt_eur(reveal.similar_median, lang),
                          n=fmt_int(reveal.similar_n, lang)))  # fmt: skip
        else:
            Line(t("game.reveal.sim_none", lang))
        Line(t("game.reveal.no_money", lang, pct=fmt_pct(reveal.share_net_le_zero, lang)))
        better = [s for s in students if s.better_by_quitting]
        Md(f"**{t('game.reveal.quit_better', lang, n=len(better), total=len(students))}**")
        head = [t("game.teacher.col_name", lang), t("game.reveal.col_after1", lang),
                t("game.reveal.col_now", lang)]  # fmt: skip
        rows = [
            f"| {plain(label_of(by_pid[s.pid], names, lang))} | "
            f"{fmt_eur(s.net_after_first, lang)} | {fmt_eur(s.net, lang)} |"
            for s in better
        ]
        if rows:
            Md("\n".join([f"| {' | '.join(head)} |", "|---|---:|---:|", *rows]))
        if view is not None:
            Md(f"**{t('game.reveal.tree', lang)}**")
            png = _cached(table, ("tree", lang), lambda: _tree_png(view, reveal.student_nids, lang))
            NamedImage(png, t("game.reveal.tree_said", lang, k=len(students)))


def _cached(table: games.Table, key: tuple, draw) -> bytes:
    return table.chart(-1, "/".join(map(str, key)), draw)


def _class_png(nets, marks, lang: str) -> bytes:
    from dashboards.game_charts import class_png

    return class_png(nets, marks, lang)


def _tree_png(view, nids, lang: str) -> bytes:
    from dashboards.game_charts import tree_png

    return tree_png(view, nids, lang)


def _replay(table: games.Table, router) -> None:
    again = games.replay_game(table)
    router.push(f"{router.path or '/'}?game={again.code}&teacher={again.teacher}")


def rows_csv(table: games.Table) -> bytes:
    """The class's results, one row per student and round (``sim.game.Game.rows``)."""
    with table.lock:
        rows = table.game.rows()
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def log_json(table: games.Table) -> bytes:
    with table.lock:
        log = table.game.log()
    return json.dumps(log, indent=1, ensure_ascii=False).encode("utf-8")
