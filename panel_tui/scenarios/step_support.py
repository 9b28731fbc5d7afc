"""What the engine's step handlers share (its own and the guide's, ``guide_handlers.py``):
the sign-in's time limits and a free loopback port."""

from __future__ import annotations

import socket

#: how long a sign-in may take once the browser part is done (msal polls every interval)
SIGN_IN_TIMEOUT = 60.0
#: after a browser part that did not finish, how long the device may still take to notice
SIGN_IN_GRACE = 15.0


def free_port() -> int:
    """A loopback port nothing listens on right now (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
