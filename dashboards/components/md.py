"""Markdown without Solara's Markdown component, which loads KaTeX from a CDN (the page
must work offline and make no request that fails)."""

from __future__ import annotations

from functools import lru_cache

import markdown as _markdown
import solara


@solara.component
def Md(text: str, style: dict | None = None, classes: list[str] | None = None):
    solara.HTML(tag="div", unsafe_innerHTML=to_html(text), style=style or {},
                classes=["nws-md", *(classes or [])])  # fmt: skip


@lru_cache(maxsize=4096)
def to_html(text: str) -> str:
    """``text`` as HTML. Remembered: the same sentences come back with every Step of every
    session (the pyramid-risk rules, the key numbers), and building a Markdown parser
    costs more than the rest of a Step's page."""
    return _markdown.markdown(text, extensions=["tables"])
