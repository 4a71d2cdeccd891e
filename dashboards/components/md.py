"""Markdown without Solara's Markdown component, which loads KaTeX from a CDN (the page
must work offline and make no request that fails)."""

from __future__ import annotations

import markdown as _markdown
import solara


@solara.component
def Md(text: str, style: dict | None = None, classes: list[str] | None = None):
    html = _markdown.markdown(text, extensions=["tables"])
    solara.HTML(tag="div", unsafe_innerHTML=html, style=style or {},
                classes=["nws-md", *(classes or [])])  # fmt: skip
