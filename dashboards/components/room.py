"""The class panel: show this run to the class (a room code and a link), follow a room,
leave it (``dashboards.rooms``), start a class game (``dashboards.game``)."""

from __future__ import annotations

import solara
import solara.lab

from dashboards import follow, rooms, state
from dashboards import game as games
from dashboards.components.game import GameStart
from dashboards.components.md import Md
from dashboards.view import View
from sim.i18n import t


@solara.component
def RoomPanel(view: View | None):
    """``view``: what the page shows (passed, not read: one reader of the view per page)."""
    lang = state.lang.value
    hosted, followed, missing = rooms.hosting.value, rooms.following.value, rooms.missing.value
    router = solara.use_router()
    code, set_code = solara.use_state("")

    # an address with ?follow=CODE follows that room as soon as the page is open
    solara.use_effect(lambda: follow.follow_address(router.search), [router.search])
    with solara.Column(gap="4px", style={"margin-top": "16px"}):
        Md(f"**{t('room.title', lang)}**")
        if followed is not None:
            Md(t("room.following", lang, code=followed.code))
            if view is not None:
                solara.Text(t("ui.week_of", lang, week=view.week, weeks=view.weeks))
            solara.Button(t("room.leave", lang), on_click=follow.leave, color="secondary")
        elif hosted is not None:
            Md(t("room.hosting", lang, code=hosted.code, link=_link(router.path, hosted.code)))
            solara.Text(t("room.watching", lang, n=hosted.followers), style={"font-size": "0.9em"})
            solara.Button(t("room.stop", lang), on_click=follow.stop_sharing, color="secondary")
        else:
            solara.Button(t("room.share", lang), on_click=follow.start_sharing, color="secondary")
            with solara.Row(gap="6px", style={"align-items": "baseline"}):
                solara.InputText(t("room.code", lang), value=code, on_value=set_code,
                                 continuous_update=True)  # fmt: skip
                solara.Button(t("room.follow", lang), on_click=lambda: _follow(code, router),
                              disabled=not code.strip())  # fmt: skip
        if missing is not None and followed is None:
            solara.Warning(t("room.unknown", lang, code=missing))
        if followed is None:
            GameStart(lang)  # every student one networker: the class game (issue 25)


def _follow(code: str, router) -> None:
    """Follow the room with this code, or join the class game that has it."""
    table = games.find(code)
    if table is not None and rooms.find(code) is None:
        router.push(f"{router.path or '/'}?game={table.code}")
        return
    follow.follow(code)


def _link(path: str, code: str) -> str:
    """The address a student opens: this server as the teacher's browser reached it."""
    headers = solara.lab.headers.value or {}
    host = (headers.get("host") or [""])[0]
    scheme = (headers.get("x-forwarded-proto") or ["http"])[0]
    where = f"{scheme}://{host}{path}" if host else path
    return f"{where}?follow={code}"
