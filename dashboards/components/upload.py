"""Upload a scenario file: a file chooser (it works on a phone, where nothing can be dragged)
that hands the file to ``state.upload``, which validates it exactly like the command line.

A file larger than ``MAX_SCENARIO_BYTES`` is refused by the size the browser reports,
before a byte of it is sent; a browser that misreports the size is caught by reading at
most one byte beyond the limit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import solara
from ipyvuetify.extra import FileInput

from dashboards import state
from sim.i18n import Msg, t
from sim.scenario import MAX_SCENARIO_BYTES, ScenarioError, check_size, upload_origin


def receive(info: dict, read: Callable[[int], bytes]) -> None:
    """Validate and load one chosen file; ``read(n)`` reads at most n of its bytes. Every
    error is shown as the upload's message (see ``state.upload``)."""
    name = str(info.get("name", ""))
    try:
        check_size(int(info.get("size", 0)), upload_origin(name))
        data = read(MAX_SCENARIO_BYTES + 1)
    except ScenarioError as exc:
        state.error.value = exc
        return
    except Exception as exc:  # the browser's report, or the transfer, went wrong
        state.error.value = ScenarioError(
            Msg("upload.failed", name=upload_origin(name), detail=type(exc).__name__)
        )
        return
    state.upload(data, name)


@solara.component
def ScenarioUpload(lang: str):
    with solara.Column(gap="0px") as main:
        solara.Text(t("upload.label", lang), style={"font-size": "0.9em"})
        _Chooser()
    return main


@solara.component
def _Chooser():
    return FileChooser(".toml", receive)


@solara.component
def FileChooser(accept: str, on_file: Callable[[dict, Callable[[int], bytes]], None],
                label: str | None = None):  # fmt: skip
    """A file chooser (Solara's own FileDrop takes dropped files only: no use on a phone)
    that hands each chosen file to ``on_file(info, read)``, in a thread. Its widget is wired
    in an effect, as solara.FileDrop does."""
    info, set_info = solara.use_state(None)  # what the browser says about the chosen file
    wired, set_wired = solara.use_state(None)  # (the chooser's widget, its files)
    named = {"label": label} if label else {}
    chooser = FileInput.element(multiple=False, accept=accept, show_progress=False,
                                on_file_info=set_info, **named)  # fmt: skip

    def wire() -> None:
        if info:
            widget = solara.get_widget(chooser)
            set_wired((widget, widget.get_files()))

    solara.use_effect(wire, [info])

    def load(cancel: threading.Event) -> None:
        if not wired:
            return
        widget, files = wired
        for file in files:
            on_file(file, file["file_obj"].read)
        widget.clear()  # the same file can be chosen again after a change

    # loading the file redraws the page: the thread must not be cancelled by that
    solara.use_thread(load, dependencies=[wired], intrusive_cancel=False)
    return chooser
