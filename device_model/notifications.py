"""Email Notification: turn device events into notification emails for the configured recipients.

``NotificationDispatcher(device, loop=None)`` subscribes to the device's events, decides which
event it is (:func:`classify`), asks the ``notifications`` settings section who wants it, and
sends one notification job (kind ``"notification"``, visible in Job Status) to those
recipients with ``device.email.notify``.

Where the sending runs: device events fire synchronously on whatever thread made the change
(the panel's loop, a Web Config worker thread, the email client's executor). The dispatcher
must never block that thread, so it only *schedules* the send:

* with ``loop`` given (the panel passes its running loop in ``PanelApp.on_mount``) the send is
  a task on that loop (``run_coroutine_threadsafe``, which is safe from any thread, the loop's
  own included). This is the same loop every other email job of the panel runs on, so
  aiosmtplib and the email client's state see one loop only;
* without one (a script, a test, the CLI) a small daemon thread with its own event loop is
  started on first need and stopped by :meth:`NotificationDispatcher.stop`.

Loops are avoided by construction: a ``notification`` job never counts as a "Job error" and its
completion is never an event of its own, so a failing notification cannot notify again. (With
OAuth2, "Sign-in expired" is itself sent with the expired sign-in and so ends as an error job:
true to a printer, and the job in Job Status is where the trainer sees it was attempted.)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

from .events import DeviceEvent
from .i18n import Msg
from .settings import NOTIFICATION_EVENTS

if TYPE_CHECKING:  # the device's parts, typed without importing them at run time
    from .email.client import EmailClient
    from .jobs import Job
    from .jobs import JobLog
    from .settings import Settings


class NotificationHost(Protocol):
    """What notifications need of their device (the ``Device``): typed here so that they do not
    import the device whose events they follow."""

    jobs: JobLog

    @property
    def settings(self) -> Settings: ...

    @property
    def email(self) -> EmailClient: ...

    def subscribe(self, callback: Callable[[DeviceEvent], None]) -> Callable[[], None]: ...


log = logging.getLogger(__name__)

#: Job kinds whose error is a "Job error" notification (never "notification": no loops).
ERROR_JOB_KINDS = frozenset({"email", "scan_to_email", "to_email"})
#: Settings sections whose saving is a "Settings changed" notification.
NOTIFIED_SECTIONS = frozenset({"network", "email_server"})
#: finished sends kept for NotificationDispatcher.wait_idle (bounded: a panel never asks)
KEEP_FINISHED = 100


def event_message(event: str) -> Msg:
    """The translatable name of an event id (``notifications.event.<id>``), used as the subject."""
    return Msg.of(f"notifications.event.{event}")


def classify(device: NotificationHost, kind: str, detail: object) -> str | None:
    """Which notification event (one of ``NOTIFICATION_EVENTS``) a device event is, if any.

    ``jobs`` events carry only a job id: the job is looked up to see whether it just ended, and
    how. A job in progress, a notification job and a cleared log are not events.
    """
    if kind == "admin" and detail == "password":
        return "admin_password"
    if kind == "settings" and detail in NOTIFIED_SECTIONS:
        return "settings_changed"
    if kind == "signin" and isinstance(detail, dict) and detail.get("event") == "expired":
        return "signin_expired"
    if kind == "jobs" and isinstance(detail, int):
        job = device.jobs.get(detail)
        if job is None or job.status == "active" or job.kind == "notification":
            return None
        if job.status == "error" and job.kind in ERROR_JOB_KINDS:
            return "job_error"
        if job.status == "completed" and job.kind == "print":
            return "status_sheet"
    return None


async def send_notification(device: NotificationHost, event: str | Msg, to: Sequence[str]) -> Job | None:
    """Send one notification job for ``event`` (an event id or a ``Msg``) to ``to``.

    Returns the finished Job (or None when there is nobody to send to). Web Config's "Send test
    notification" uses this too, with ``event="test"``.
    """
    recipients = [a for a in to if a]
    if not recipients:
        return None
    msg = event if isinstance(event, Msg) else event_message(event)
    return await device.email.notify(msg, to=recipients)


class NotificationDispatcher:
    """Subscribes to a device's events and sends notifications without blocking the emitter."""

    def __init__(self, device: NotificationHost, *, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.device = device
        self._loop = loop
        self._own_loop: asyncio.AbstractEventLoop | None = None
        self._own_thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._unsubscribe: Callable[[], None] | None = None
        #: sends not finished yet
        self._pending: set[concurrent.futures.Future[Job | None]] = set()
        #: sends not yet reported by wait_idle, in the order they were scheduled; finished ones
        #: beyond the newest KEEP_FINISHED are dropped, as a panel never asks for them
        self._unreported: list[concurrent.futures.Future[Job | None]] = []
        #: job ids already notified: a job's "jobs" event may fire more than once after it ended
        self._seen_jobs: set[int] = set()
        #: the held sign-in was reported expired; a new sign-in (commit) re-arms it. Each refused
        #: refresh fires "expired" again, and one expiry deserves one email.
        self._expired_reported = False

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> "NotificationDispatcher":
        """Subscribe to the device's events (idempotent); returns self."""
        if self._unsubscribe is None:
            self._unsubscribe = self.device.subscribe(self._on_event)
        return self

    def stop(self) -> None:
        """Unsubscribe and stop the own loop thread if one was started (pending sends end there)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._lock:
            loop, thread = self._own_loop, self._own_thread
            self._own_loop = self._own_thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()

    def wait_idle(self, timeout: float | None = None) -> list[Job | None]:
        """Block until every scheduled send has finished; their results (Jobs), oldest first.

        Every send finished since the previous call counts, also one that finished before this
        call began (on a loaded machine it often has): a caller gets each result once, however
        fast the send was. For scripts and tests outside the sending loop; never call it on that
        loop itself.
        """
        with self._lock:
            futures = list(self._unreported)
        concurrent.futures.wait(futures, timeout=timeout)
        with self._lock:
            done = [f for f in futures if f.done() and f in self._unreported]
            self._unreported = [f for f in self._unreported if f not in done]
        return [f.result() for f in done if not f.cancelled() and f.exception() is None]

    # -- deciding ---------------------------------------------------------------------------

    def _on_event(self, event: DeviceEvent) -> None:
        kind, detail = event.kind, event.detail
        if kind == "signin" and isinstance(detail, dict) and detail.get("event") == "committed":
            with self._lock:
                self._expired_reported = False
        try:
            which = classify(self.device, kind, detail)
        except Exception:  # a bad lookup must not break the device's emitter
            log.exception("classifying %s for notifications failed", kind)
            return
        if which is None:
            return
        if which in ("job_error", "status_sheet"):
            with self._lock:
                if detail in self._seen_jobs:
                    return
                self._seen_jobs.add(detail)
        if which == "signin_expired":
            with self._lock:
                if self._expired_reported:
                    return
                self._expired_reported = True
        self.dispatch(which)

    def recipients(self, event: str) -> list[str]:
        """Who asked for ``event`` in the saved ``notifications`` settings."""
        return self.device.settings.notifications.recipients(event)

    def dispatch(self, event: str) -> concurrent.futures.Future[Job | None] | None:
        """Schedule the notification for ``event`` to its recipients; None when nobody wants it."""
        if event not in NOTIFICATION_EVENTS:
            raise ValueError(f"unknown notification event {event!r}")
        to = self.recipients(event)
        if not to:
            return None
        log.info("notification %s to %d recipient(s)", event, len(to))
        return self.schedule(send_notification(self.device, event, to))

    def schedule(self, coro: Coroutine[object, object, Job | None]) -> concurrent.futures.Future[Job | None]:
        """Run ``coro`` on the panel's loop if it is running, else on the own loop thread."""
        loop = self._loop
        if loop is None or loop.is_closed() or not loop.is_running():
            loop = self._ensure_own_loop()
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        with self._lock:
            self._pending.add(future)
            self._unreported.append(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: concurrent.futures.Future[Job | None]) -> None:
        with self._lock:
            self._pending.discard(future)
            finished = [f for f in self._unreported if f.done()]
            for f in finished[:-KEEP_FINISHED]:
                self._unreported.remove(f)
        if not future.cancelled() and future.exception() is not None:
            log.error("notification failed: %r", future.exception())

    def _ensure_own_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._own_loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="notifications", daemon=True)
                thread.start()
                self._own_loop, self._own_thread = loop, thread
            return self._own_loop
