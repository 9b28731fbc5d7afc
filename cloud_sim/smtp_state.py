"""What every connection of one simulated SMTP server shares, and the limits it keeps."""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Union

from cloud_sim.smtp_auth import SmtpAuthorizer

if TYPE_CHECKING:
    from asyncio import BaseProtocol

    from cloud_sim.faults import Faults

#: Longest AUTH line (or two-step AUTH response) accepted, in bytes.
AUTH_LINE_LIMIT = 12 * 1024
#: Exchange Online's recipient limit per message; RCPT beyond it gets 452 4.5.3
MAX_RECIPIENTS = 500

SizeLimit = Union[int, Callable[[], int]]
Clock = Callable[[], datetime]


class ServerState:
    """What every connection of one server shares."""

    def __init__(
        self,
        authorizer: SmtpAuthorizer,
        maildir_root: Path,
        size_limit: SizeLimit,
        hostname: str,
        clock: Clock,
    ) -> None:
        self.authorizer = authorizer
        self.maildir_root = Path(maildir_root)
        self.size_limit = size_limit
        self.hostname = hostname
        self.clock = clock
        #: the tenant's network faults (set by start_smtp), or None
        self.faults: Faults | None = None
        self.executor = ThreadPoolExecutor(max_workers=min(32, (os.cpu_count() or 1) + 4), thread_name_prefix="cloud-sim-smtp")
        #: open connections (SMTP protocol objects), closed on stop
        self.connections: weakref.WeakSet[BaseProtocol] = weakref.WeakSet()

    def close_connections(self) -> None:
        """Close every open connection (run on the server's loop)."""
        for conn in list(self.connections):
            # getattr: a connection not yet made (or already lost) has no transport attribute
            transport = getattr(conn, "transport", None)
            if transport is not None:
                transport.close()

    def current_size_limit(self) -> int:
        value = self.size_limit() if callable(self.size_limit) else self.size_limit
        return int(value)
