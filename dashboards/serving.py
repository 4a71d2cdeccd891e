"""The dashboard server's static files, compressed once instead of for every page.

Every new page loads Solara's front end: about 4 MB of scripts, style sheets and fonts,
which Solara's server compresses (gzip, level 9) anew for every request. For a class of
30 opening the page at once that is most of what the server does: about a third of a
second of CPU per page. These files never change while the server runs (their addresses
carry a version), so ``StaticCache`` keeps each compressed answer in memory the first time
it is sent and replays it after.
"""

from __future__ import annotations

import sys
import threading
import warnings

# the prefixes of Solara's files that do not change while the server runs
STATIC = ("/_solara/cdn/", "/static/", "/jupyter/nbextensions/")
ENTRY_MAX = 16 * 2**20  # bytes of one answer kept (the largest script is about 2 MB)
TOTAL_MAX = 64 * 2**20  # bytes kept in all


class StaticCache:
    """ASGI middleware: answers to GET requests for static files, kept by path, query and
    whether the browser takes gzip."""

    def __init__(self, app):
        self.app = app
        self.kept: dict[tuple, tuple[dict, list[dict]]] = {}
        self.size = 0
        self.lock = threading.Lock()

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(STATIC)
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if b"range" in headers:
            await self.app(scope, receive, send)
            return
        key = (
            scope["path"],
            scope.get("query_string", b""),
            b"gzip" in headers.get(b"accept-encoding", b""),
        )
        kept = self.kept.get(key)
        if kept is not None:
            start, body = kept
            await send(start)
            for message in body:
                await send(message)
            return
        start_message: dict = {}
        body: list[dict] = []
        size = 0

        async def keep(message):
            nonlocal start_message, size
            if message["type"] == "http.response.start":
                start_message = message
            elif message["type"] == "http.response.body":
                body.append(message)
                size += len(message.get("body", b""))
                if not message.get("more_body", False):
                    self._store(key, start_message, body, size)
            await send(message)

        await self.app(scope, receive, keep)

    def _store(self, key: tuple, start: dict, body: list[dict], size: int) -> None:
        if start.get("status") != 200 or size > ENTRY_MAX:
            return
        with self.lock:
            if key in self.kept or self.size + size > TOTAL_MAX:
                return
            self.kept[key] = (start, body)
            self.size += size


def quiet() -> None:
    """Silence Solara's warning that a page reached by an address other than ``localhost``
    (``127.0.0.1``, or the server's address in a classroom) gets its session cookie with
    SameSite=Lax instead of None: the right cookie for a page that no other site embeds
    in a frame, and 14 lines on the console at every start."""
    warnings.filterwarnings(
        "ignore",
        message="Cookies with samesite=none require https",
        category=UserWarning,
        module="solara.server.starlette",
    )


def install() -> None:
    """Put ``StaticCache`` in front of the running Solara server (it builds its middleware
    again for the next request), and ``quiet`` its warnings. Outside the server, as in the
    tests, nothing happens."""
    server = sys.modules.get("solara.server.starlette")
    if server is None:
        return
    quiet()
    app = server.app
    if any(m.cls is StaticCache for m in app.user_middleware):
        return
    app.middleware_stack = None
    app.add_middleware(StaticCache)
