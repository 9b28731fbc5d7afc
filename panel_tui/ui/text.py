"""Small helpers shared by the issue-4 surfaces (Web Config, Cloud, Scan to Email)."""

from __future__ import annotations

from typing import Any

from textual.dom import DOMNode


def tr(node: DOMNode, key: Any, **params: Any) -> str:
    """Translate ``key`` (a catalog key or a ``Msg``) in the device's current language."""
    device = getattr(node.app, "device", None)
    if device is None:  # pragma: no cover - only without an app shell
        return str(getattr(key, "key", key))
    return device.t(key, **params)


def describe_error(node: DOMNode, exc: BaseException) -> str:
    """A user-facing text for an exception: its ``Msg`` when it carries one, else its type.

    Never includes tokens: the device's exceptions carry translatable ``Msg`` objects and the
    fallback shows only the exception's class and its (token-free) text.
    """
    msg = getattr(exc, "msg", None) or getattr(exc, "message_key", None)
    if msg is not None and not isinstance(msg, str):
        return tr(node, msg)
    if isinstance(msg, str) and "." in msg and " " not in msg:
        return tr(node, msg)
    return tr(node, "webconfig.error.unexpected", detail=f"{type(exc).__name__}: {exc}")


def job_outcome_text(node: DOMNode, job: Any) -> str:
    """A finished job as the panel words it: "Completed", or the code with its message.

    For an error the panel message of the code (e.g. 360's "you must sign in ...") or its status
    text is shown with the solution; the server's reply stays in Job Status > Log details.
    """
    label = getattr(job, "result_label", None)
    head = tr(node, label) if label is not None else str(getattr(job, "status", ""))
    if getattr(job, "status", "") != "error":
        return head
    try:
        entry = node.app.device.errors.for_job(job)  # type: ignore[attr-defined]
    except Exception:
        return head
    if entry is None:
        return head
    text = tr(node, entry.panel_message) if getattr(entry, "panel_message", None) else tr(node, entry.status)
    # no reply when the printer never reached the server (360: not signed in): say so truthfully
    key = "webconfig.job.failed" if getattr(job, "reply", "") else "webconfig.job.failed_no_reply"
    return tr(node, key, result=head, message=text, solution=tr(node, entry.solution))
