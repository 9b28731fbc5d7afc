"""The send path's overlaps: the job is logged beside QUIT, and a memoised PDF needs no thread.

A fake SMTP session stands in for aiosmtplib here (the integration tests run the real one); it
lets the tests hold QUIT open and cancel at the awkward moments.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from device_model.email import scan
from device_model.email.sender import EmailSendError, SendConfig, build_message, deliver


class FakeSMTP:
    def __init__(self, *, quit_gate: asyncio.Event | None = None, quit_error: BaseException | None = None) -> None:
        self.esmtp_extensions = {"size": "0"}
        self.is_connected = True
        self.quit_gate = quit_gate
        self.quit_error = quit_error
        self.quit_started = asyncio.Event()
        self.sent: list[bytes] = []
        self.closed = False

    async def sendmail(self, sender: str, recipients: list[str], data: bytes) -> tuple[dict[str, Any], str]:
        self.sent.append(data)
        return {}, "2.0.0 OK queued"

    async def quit(self) -> None:
        self.quit_started.set()
        if self.quit_gate is not None:
            await self.quit_gate.wait()
        if self.quit_error is not None:
            raise self.quit_error
        self.is_connected = False

    def close(self) -> None:
        self.closed = True
        self.is_connected = False


CFG = SendConfig(auth_method="off", smtp_server="smtp.example.test", smtp_port=25, secure="none")


def _message() -> Any:
    return build_message(sender="printer@example.test", to="user@example.test", subject="s", body="b")


async def _session(smtp: FakeSMTP) -> FakeSMTP:
    return smtp


async def test_on_accepted_runs_beside_quit_and_deliver_waits_for_it() -> None:
    gate = asyncio.Event()
    smtp = FakeSMTP(quit_gate=gate)
    order: list[str] = []
    logged = asyncio.Event()

    async def on_accepted(reply: str) -> None:
        order.append(f"accepted {reply}")
        await smtp.quit_started.wait()  # QUIT is under way at the same time
        order.append("logged")
        logged.set()
        gate.set()  # let QUIT finish only now

    reply = await deliver(_message(), CFG, None, session=_session(smtp), on_accepted=on_accepted)
    assert reply == "2.0.0 OK queued"
    assert order == ["accepted 2.0.0 OK queued", "logged"] and logged.is_set()
    assert smtp.sent and not smtp.is_connected


async def test_a_future_from_on_accepted_is_awaited_even_when_quit_fails() -> None:
    smtp = FakeSMTP(quit_error=OSError("reset by peer"))
    loop = asyncio.get_running_loop()
    futures: list[asyncio.Future[Any]] = []

    def on_accepted(reply: str) -> asyncio.Future[Any]:
        futures.append(loop.run_in_executor(None, lambda: f"logged {reply}"))
        return futures[-1]

    assert await deliver(_message(), CFG, None, session=_session(smtp), on_accepted=on_accepted) == "2.0.0 OK queued"
    assert futures[0].done() and futures[0].result() == "logged 2.0.0 OK queued"
    assert smtp.closed  # a rude goodbye is closed, and changes nothing


async def test_cancelled_during_quit_still_finishes_the_follow_up_then_raises() -> None:
    gate = asyncio.Event()
    smtp = FakeSMTP(quit_gate=gate)
    follow_gate = asyncio.Event()
    done: list[str] = []

    async def on_accepted(reply: str) -> None:
        await follow_gate.wait()
        done.append(reply)

    task = asyncio.create_task(deliver(_message(), CFG, None, session=_session(smtp), on_accepted=on_accepted))
    await smtp.quit_started.wait()
    task.cancel()  # cancelled while QUIT is pending and the job is being logged
    await asyncio.sleep(0.01)
    assert not task.done()  # still waiting for the follow-up
    follow_gate.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert done == ["2.0.0 OK queued"]
    assert smtp.closed


async def test_an_error_of_on_accepted_is_raised() -> None:
    smtp = FakeSMTP()

    async def on_accepted(reply: str) -> None:
        raise RuntimeError("log broke")

    with pytest.raises(RuntimeError, match="log broke"):
        await deliver(_message(), CFG, None, session=_session(smtp), on_accepted=on_accepted)


async def test_no_follow_up_when_the_server_refuses() -> None:
    class Refusing(FakeSMTP):
        async def sendmail(self, sender: str, recipients: list[str], data: bytes) -> tuple[dict[str, Any], str]:
            import aiosmtplib

            raise aiosmtplib.SMTPDataError(552, "5.3.4 Message size exceeds fixed maximum message size")

    called: list[str] = []

    async def on_accepted(reply: str) -> None:
        called.append(reply)

    with pytest.raises(EmailSendError) as e:
        await deliver(_message(), CFG, None, session=_session(Refusing()), on_accepted=on_accepted)
    assert e.value.code == 314 and called == []


def test_sample_pdf_memo_is_peekable_and_bounded() -> None:
    args = {"title": "Memo test", "line": "peek", "pages": 1}
    assert scan.cached_sample_scan_pdf(**args) is None  # never renders
    pdf = scan.sample_scan_pdf(**args)
    assert pdf.startswith(b"%PDF-")
    assert scan.cached_sample_scan_pdf(**args) is pdf
    assert scan.sample_scan_pdf(**args) is pdf
    for i in range(scan._MEMO_SIZE):
        scan.sample_scan_pdf(title="Memo test", line=f"other {i}")
    assert scan.cached_sample_scan_pdf(**args) is None  # the oldest went
    assert len(scan._MEMO) == scan._MEMO_SIZE
