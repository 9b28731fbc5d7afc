"""Network faults of the simulated tenant: what testers meet on real networks, on demand.

One :class:`Faults` per tenant (``TenantAdmin.faults``), kept in the tenant's database like the
relay (so ``panel-tui scenarios apply 313-smtp-no-answer --state-dir DIR`` and then the panel on
``DIR`` meet the fault: the tenant restarts in between), until cleared (``fault clear``, a
scenario's ``baseline``, F4's Clear faults, ``panel-tui reset --tenant``); switched by the admin API (``cloud-sim admin fault ...``, the ``fault`` script command,
the fault scenarios). The servers call two small hooks: :meth:`Faults.http` at the start of
every HTTPS request of the identity platform, and :meth:`Faults.smtp_reply` /
:meth:`Faults.smtp_mail` in Exchange SMTP. ``/_sim/`` (the admin API itself) is never faulted,
so a fault can always be cleared.

Kinds (``ENDPOINT``: ``smtp``, ``idp`` = every HTTPS request, or one of its endpoints ``token``,
``devicecode``, ``discovery``):

* ``latency ENDPOINT MS``: each request (HTTPS) or reply (SMTP) waits MS milliseconds first.
* ``reset ENDPOINT BYTES``: the connection is reset (TCP RST) once BYTES bytes were sent on it.
* ``hang ENDPOINT``: connections are accepted and never answered (the client's timeout decides).
* ``idp-down``: the identity platform answers 503 with Microsoft's ``temporarily_unavailable``
  body (AADSTS90033, "A transient error has occurred").
* ``smtp 421|451 [--times N]``: MAIL FROM gets Exchange's temporary failure (421 closes the
  connection), N times (default: until cleared).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

ENDPOINTS: dict[str, tuple[str, ...]] = {
    "smtp": (),
    "idp": ("/",),
    "token": ("/oauth2/v2.0/token", "/oauth2/token"),
    "devicecode": ("/oauth2/v2.0/devicecode", "/oauth2/devicecode"),
    "discovery": ("/.well-known/", "/discovery/", "/common/discovery"),
}
KINDS = ("latency", "reset", "hang", "idp-down", "smtp", "clear")
#: the admin API's fault operations (``TenantAdmin.dispatch`` checks them before its table)
FAULT_OPS = frozenset({"faults", "fault-set", "fault-clear"})
#: the fault operations that only read (no state dir lock)
FAULT_READ_ONLY = frozenset({"faults"})
#: Exchange Online's temporary failures, verbatim in shape
SMTP_TEMPORARY = {
    421: "421 4.3.2 Service not available, closing transmission channel",
    451: "451 4.7.500 Server busy. Please try again later.",
}
#: the longest a hung connection is held (the client gives up long before)
HANG_LIMIT = 600.0
USAGE = ("fault latency ENDPOINT MS | fault reset ENDPOINT BYTES | fault hang ENDPOINT | fault idp-down | "
         "fault smtp 421|451 [--times N] | fault clear   (ENDPOINT: " + ", ".join(ENDPOINTS) + ")")


class FaultError(ValueError):
    """A fault that cannot be set: the message says why (and how it is written)."""


def _number(text: Any, what: str, high: int) -> int:
    value = str(text)
    if not (value.isascii() and value.isdigit()) or not 0 <= int(value) <= high:
        raise FaultError(f"{what} is a whole number from 0 to {high}, not {text!r}")
    return int(value)


def _endpoint(text: Any) -> str:
    if str(text).lower() not in ENDPOINTS:
        raise FaultError(f"unknown endpoint {text!r} (one of {', '.join(ENDPOINTS)})")
    return str(text).lower()


def parse_fault(words: Sequence[str], times: Any = None) -> tuple[str, dict[str, Any]]:
    """``["latency", "smtp", "3000"]`` -> ``("latency", {"endpoint": "smtp", "ms": 3000})``."""
    if not words:
        raise FaultError(f"usage: {USAGE}")
    kind, rest = str(words[0]).lower(), list(words[1:])
    want = {"latency": 2, "reset": 2, "hang": 1, "idp-down": 0, "smtp": 1, "clear": 0}
    if kind not in want:
        raise FaultError(f"unknown fault {words[0]!r}; usage: {USAGE}")
    if len(rest) != want[kind]:
        raise FaultError(f"usage: {USAGE}")
    if times is not None and kind != "smtp":
        raise FaultError("--times is for fault smtp 421|451")
    if kind == "latency":
        return kind, {"endpoint": _endpoint(rest[0]), "ms": _number(rest[1], "the latency (ms)", 600_000)}
    if kind == "reset":
        return kind, {"endpoint": _endpoint(rest[0]), "bytes": _number(rest[1], "the byte count", 10**9)}
    if kind == "hang":
        return kind, {"endpoint": _endpoint(rest[0])}
    if kind == "smtp":
        code = _number(rest[0], "the SMTP code", 999)
        if code not in SMTP_TEMPORARY:
            raise FaultError(f"fault smtp takes 421 or 451, not {rest[0]!r}")
        args: dict[str, Any] = {"code": code}
        if times is not None:
            args["times"] = _number(times, "--times", 10**6)
        return kind, args
    return kind, {}


#: the tenant database's key for the active faults (``Store.get``/``put``)
STORE_KEY = "network_faults"


class FaultStore(Protocol):
    """What :class:`Faults` keeps its faults in: the tenant's ``Store`` (its ``meta`` table)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def put(self, key: str, value: object) -> None: ...


class Faults:
    """The tenant's active faults; thread-safe (HTTPS threads, the SMTP loop, the admin API).

    With a ``store`` every change is saved there and the faults saved by the tenant's previous
    run are active again from the start: a fault set up for the panel to meet outlives the
    process that set it up, as the relay does. A saved entry that no longer parses is dropped.
    """

    def __init__(self, store: FaultStore | None = None) -> None:
        self._lock = threading.Lock()
        self._active: dict[tuple[str, str], dict[str, Any]] = {}
        self._cleared = threading.Event()
        self._store = store
        saved = store.get(STORE_KEY, []) if store is not None else []
        for entry in saved if isinstance(saved, list) else []:
            try:
                args = {k: v for k, v in dict(entry).items() if k != "kind"}
                self.set(str(dict(entry).get("kind", "")), args)
            except (FaultError, TypeError, ValueError, KeyError):
                continue  # damaged or from another version: not a fault any more

    def _save(self) -> None:
        """Keep the active faults in the store (called with ``_lock`` held)."""
        if self._store is not None:
            self._store.put(STORE_KEY, [{"kind": k, **dict(a)} for (k, _), a in sorted(self._active.items())])

    # -- control ---------------------------------------------------------------------------
    def set(self, kind: str, args: dict[str, Any]) -> str:
        kind, args = parse_fault([kind, *_positional(kind, args)], times=args.get("times"))
        if kind == "clear":
            self.clear()
            return "no faults"
        key = (kind, args.get("endpoint", "smtp" if kind == "smtp" else "idp"))
        with self._lock:
            self._active[key] = dict(args)
            self._save()
            self._cleared.clear()
        return describe(kind, args)

    def clear(self) -> None:
        """No faults, now and at the tenant's next start."""
        with self._lock:
            self._active.clear()
            self._save()
        self._cleared.set()  # hung connections let go

    def release(self) -> None:
        """The tenant stops: hung connections let go, the saved faults stay for its next start."""
        with self._lock:
            self._active.clear()
        self._cleared.set()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"kind": k, **dict(a)} for (k, _), a in sorted(self._active.items())]

    def dispatch(self, op: str, args: dict[str, Any]) -> Any:
        """The admin API's ``fault-set`` / ``fault-clear`` / ``faults`` operations."""
        if op == "faults":
            return self.list()
        if op == "fault-clear":
            self.clear()
            return {"ok": True}
        if op == "fault-set":
            try:
                return {"fault": self.set(str(args.get("kind", "")), dict(args))}
            except FaultError as exc:
                raise ValueError(str(exc)) from None
        raise KeyError(f"unknown admin operation: {op}")

    # -- lookups ---------------------------------------------------------------------------
    def _find(self, kind: str, endpoints: Sequence[str]) -> dict[str, Any] | None:
        with self._lock:
            for ep in endpoints:
                found = self._active.get((kind, ep))
                if found is not None:
                    return {"kind": kind, **found}  # never empty: idp-down has no arguments
        return None

    def hold(self) -> None:
        """Block (a hung connection's thread) until the faults are cleared, at most HANG_LIMIT."""
        self._cleared.wait(HANG_LIMIT)

    # -- the identity platform's hook ------------------------------------------------------
    def http(self, handler: Any, path: str) -> bool:
        """Apply the faults for this request; True when the request was answered (or dropped)."""
        if path.startswith("/_sim/") or not self._active:
            return False
        eps = [ep for ep, prefixes in ENDPOINTS.items() if prefixes and any(p in path for p in prefixes)]
        latency = self._find("latency", eps)
        if latency:
            time.sleep(latency["ms"] / 1000)
        if self._find("hang", eps):
            handler.close_connection = True
            self.hold()
            abort(handler.connection)
            return True
        reset = self._find("reset", eps)
        if reset:
            handler.wfile = _ResetAfter(handler.wfile, handler.connection, reset["bytes"])
        if self._find("idp-down", ["idp"]):
            from cloud_sim.errors import AadError

            handler.close_connection = True
            handler._send_error(AadError("temporarily_unavailable", 90033,
                                         "A transient error has occurred. Please try again.", status=503))
            return True
        return False

    # -- Exchange SMTP's hooks -------------------------------------------------------------
    @property
    def any_active(self) -> bool:
        """Whether any fault is set: the SMTP server skips :meth:`smtp_reply` (a coroutine per
        reply) while none is."""
        return bool(self._active)

    async def smtp_reply(self, conn: Any) -> bool:
        """Before each reply: latency, hang, reset. False: do not send it (the connection is gone)."""
        if not self._active:
            return True
        import asyncio

        latency = self._find("latency", ["smtp"])
        if latency:
            await asyncio.sleep(latency["ms"] / 1000)
        if self._find("hang", ["smtp"]):
            waited = 0.0
            while self._find("hang", ["smtp"]) and waited < HANG_LIMIT and not conn.transport.is_closing():
                await asyncio.sleep(0.1)
                waited += 0.1
            abort_transport(conn.transport)
            return False
        reset = self._find("reset", ["smtp"])
        if reset:
            sent = getattr(conn, "_fault_sent", 0)
            if sent >= reset["bytes"]:
                abort_transport(conn.transport)
                return False
        return True

    def smtp_sent(self, conn: Any, size: int) -> None:
        conn._fault_sent = getattr(conn, "_fault_sent", 0) + size

    def smtp_mail(self) -> str | None:
        """The temporary failure MAIL FROM gets now, or None."""
        with self._lock:
            found = self._active.get(("smtp", "smtp"))
            if found is None:
                return None
            if "times" in found:
                found["times"] -= 1
                if found["times"] <= 0:
                    del self._active[("smtp", "smtp")]
                self._save()  # a restart goes on with the times left
            return SMTP_TEMPORARY[int(found["code"])]


def _positional(kind: str, args: dict[str, Any]) -> list[str]:
    order = {"latency": ("endpoint", "ms"), "reset": ("endpoint", "bytes"), "hang": ("endpoint",),
             "smtp": ("code",)}
    return [str(args[k]) for k in order.get(kind, ()) if k in args]


def describe(kind: str, args: dict[str, Any]) -> str:
    """A fault in words, for the admin API's answer and the script's outcome."""
    if kind == "latency":
        return f"{args['endpoint']}: every answer waits {args['ms']} ms"
    if kind == "reset":
        return f"{args['endpoint']}: connections reset after {args['bytes']} bytes"
    if kind == "hang":
        return f"{args['endpoint']}: connections accepted, never answered"
    if kind == "idp-down":
        return "identity platform down: 503 temporarily_unavailable (AADSTS90033)"
    if kind == "smtp":
        n = args.get("times")
        times = "" if n is None else (" (once)" if n == 1 else f" ({n} times)")
        return f"smtp: MAIL FROM gets {SMTP_TEMPORARY[int(args['code'])]}{times}"
    return kind


def abort(sock: Any) -> None:
    """Close a socket with a TCP RST (SO_LINGER 0), as a dropped connection looks."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except (OSError, AttributeError):
        pass
    try:
        sock.close()
    except OSError:
        pass


def abort_transport(transport: Any) -> None:
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    if transport is not None:
        transport.abort()


class _ResetAfter:
    """A write file that resets the connection once ``limit`` bytes went through."""

    def __init__(self, inner: Any, sock: Any, limit: int) -> None:
        self._inner, self._sock, self._left = inner, sock, limit

    def write(self, data: bytes) -> int:
        if len(data) < self._left:
            self._left -= len(data)
            return int(self._inner.write(data))
        if self._left > 0:
            self._inner.write(data[:self._left])
        try:
            self._inner.flush()
        except OSError:
            pass
        self._left = 0
        abort(self._sock)
        raise ConnectionResetError("fault: connection reset")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
