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
from sim.i18n import t
from sim.scenario import MAX_SCENARIO_BYTES, ScenarioError, check_upload_size


def receive(info: dict, read: Callable[[int], bytes]) -> None:
    """Validate and load one chosen file; ``read(n)`` reads at most n of its bytes."""
    name = str(info.get("name", ""))
    try:
        check_upload_size(int(info.get("size", 0)), name)
    except ScenarioError as exc:
        state.error.value = exc
        return
    state.upload(read(MAX_SCENARIO_BYTES + 1), name)


@solara.component
def ScenarioUpload(lang: str):
    files, set_files = solara.use_state(None)
    with solara.Column(gap="0px") as main:
        solara.Text(t("upload.label", lang), style={"font-size": "0.9em"})
        chooser = FileInput.element(
            multiple=False, accept=".toml", show_progress=False, on_file_info=set_files
        )

    def load(cancel: threading.Event) -> None:
        if not files:
            return
        widget = solara.get_widget(chooser)
        for file in widget.get_files():
            receive(file, file["file_obj"].read)
        widget.clear()  # the same file can be chosen again after a change

    solara.use_thread(load, dependencies=[files])
    return main
