"""``dashboard``: the Solara app (the package ``dashboards``) served on a local port."""

from __future__ import annotations

import argparse
import os
import sys
from importlib.util import find_spec
from pathlib import Path

from sim.cli.args import LANG_ENV, UsageError
from sim.i18n import Msg, t


def _check_listen(host: str, port: int) -> bool:
    """Fail now, before the address is printed, if the server could not listen on
    ``host:port`` (the port taken, say); return whether only this computer can reach it."""
    import errno
    import ipaddress
    import socket

    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        detail = getattr(exc, "strerror", None) or exc
        raise UsageError(
            Msg("cli.error.cannot_listen", host=host, port=str(port), detail=detail)
        ) from None
    family, kind, proto, _, address = found[0]  # the address the server binds
    with socket.socket(family, kind, proto) as probe:
        # as the server does: a port still closing from an earlier server counts as free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    Msg("cli.error.port_in_use", host=host, port=str(port), free=_free_port(host))
                ) from None
            detail = exc.strerror or exc
            raise UsageError(
                Msg("cli.error.cannot_listen", host=host, port=str(port), detail=detail)
            ) from None
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in found}
    return all(a.is_loopback for a in addresses)


def _free_port(host: str) -> str:
    """A port free on ``host`` now, to suggest instead of a taken one."""
    import socket

    try:
        with socket.create_server((host, 0)) as probe:
            return str(probe.getsockname()[1])
    except OSError:
        return "8766"


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve dashboards/app.py with Solara's own front-end files (no internet needed)."""
    # the package ``dashboards`` is installed beside ``sim`` (a clone's editable install
    # puts the clone on sys.path): its app is found where it is imported from
    try:
        spec = find_spec("dashboards.app")
    except ImportError:
        spec = None
    app = Path(spec.origin) if spec is not None and spec.origin else None
    if app is None or not app.is_file():
        raise UsageError(Msg("cli.error.dashboard_missing", app=app or "dashboards/app.py"))
    if not 0 < args.port < 65536:
        raise UsageError(Msg("cli.error.port", port=str(args.port)))
    if not _check_listen(args.host, args.port):
        print(t("cli.dashboard.open_to_network", args.lang, host=args.host), file=sys.stderr)
    url = f"http://{'localhost' if args.host == '127.0.0.1' else args.host}:{args.port}/"
    print(t("cli.dashboard.open", args.lang, url=url), flush=True)
    cmd = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host,
           "--port", str(args.port), "--production", "--no-open", "--log-level", "warning",
           "--no-check-version"]  # fmt: skip
    # Nothing leaves the machine: no version check, no usage telemetry; the front end
    # comes from the solara-assets package.
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "SOLARA_THEME_SHOW_BANNER": "False", LANG_ENV: args.lang,
           # the dashboard's own style sheet (dashboards/assets/custom.css)
           "SOLARA_ASSETS_EXTRA_LOCATIONS": str(app.parent / "assets")}  # fmt: skip
    # Become the server (no child to orphan): signals such as SIGTERM reach it directly.
    os.execve(sys.executable, cmd, env)
    return 0  # not reached
