"""What the page needs for assistive technology that Solara and Vuetify 2 leave out
(issue 24), mended in the browser as the page is drawn (``access.vue``): the page's
language on ``<html lang>``, pinch-zoom allowed, every slider named by the text shown
above it, selects without one control nested in another, the folding panels' state on
their buttons, progress bars and file choosers with a name, a table that scrolls sideways
reached by the keyboard. axe-core checks the result
(tests/test_accessibility_browser.py)."""

from __future__ import annotations

import solara

from sim.i18n import t


@solara.component_vue("access.vue")
def _Mend(lang: str, names: dict):
    pass


@solara.component
def Access(lang: str):
    """Mends the whole page; shown once, in ``app.Page``."""
    names = {"busy": t("a11y.busy", lang), "file": t("a11y.file", lang)}
    _Mend(lang=lang, names=names)
