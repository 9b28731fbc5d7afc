"""pytest plugin (entry point ``pytest11``): tester scripts as tests, and fixtures for Python tests.

* ``pytest docs/scripts`` collects every ``*.panel`` file: one test per script, or one per
  ``case NAME`` block (the lines before the first ``case`` run first in each). Each test runs in
  a fresh temporary state dir (a factory device, a factory tenant), so ``-k``, ``-x``, ``-n 2``
  (xdist) and ``--junitxml`` work as for any test. A failure shows the failing ``expect`` with
  the server's reply first (the JUnit ``message``), then every step the script took.
* Fixtures, each on a fresh state dir in ``tmp_path``: ``tenant`` (the simulated tenant, started
  in ``tmp_path/state/tenant``), ``panel_device`` (the Device in ``tmp_path/state``, set up for
  that tenant), ``mailbox`` (what the tenant delivered), ``panel_session`` (a scenario
  :class:`~panel_tui.scenarios.engine.Session` on both: ``await panel_session.step(...)``).
  An ``async def`` test using them runs on an event loop of its own (no pytest-asyncio setting
  needed); one that pytest-asyncio already runs is left to it.

Loading this plugin imports nothing heavy: the tenant and the device are imported by the
fixtures and tests that use them, so a project's own test run stays as fast as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:
    from cloud_sim import TenantHandle
    from device_model import Device
    from panel_tui.scenarios.engine import Session
    from panel_tui.scenarios.script import Case


class _Record(Protocol):
    """What a failure report reads: a run's record, or a script that did not parse."""

    def failure_message(self) -> str: ...

    def transcript(self) -> str: ...


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".panel":
        return PanelScriptFile.from_parent(parent, path=file_path)
    return None


class ScriptFailed(Exception):
    """A script's expect failed or a step could not run; carries the run's record."""

    def __init__(self, record: _Record) -> None:
        super().__init__(record.failure_message())
        self.record = record


class PanelScriptFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from panel_tui.scenarios.script import ScriptErrors, cases, parse

        try:
            lines = parse(self.path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            yield PanelScriptItem.from_parent(self, name=self.path.stem, case=None,
                                              problem=f"{self.path}: cannot read the script: {exc}")
            return
        except ScriptErrors as exc:
            yield PanelScriptItem.from_parent(self, name=self.path.stem, case=None, problem=exc.format(str(self.path)))
            return
        for case in cases(lines):
            yield PanelScriptItem.from_parent(self, name=case.name or self.path.stem, case=case)


class PanelScriptItem(pytest.Item):
    # kwargs: pytest's own (parent, name ...), passed through as from_parent requires
    def __init__(self, *, case: Case | None, problem: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.problem = problem
        self.add_marker(pytest.mark.panel_script)

    def runtest(self) -> None:
        import asyncio

        from panel_tui.scenarios import results
        from panel_tui.scenarios.environment import environment
        from panel_tui.scenarios.runner import run_lines

        if self.problem is not None:
            raise ScriptFailed(_Problem(self.problem))
        assert self.case is not None  # an item without a case always has its problem
        name = self.path.name
        record = results.Suite(name).case(self.case.name, self.case.line)
        with environment(None, out=lambda s: None) as env:
            result = asyncio.run(run_lines(self.case.lines, env.device, env.tenant, name=name, report=record))
        record.summary(result.exit_code, "")
        if result.exit_code:
            raise ScriptFailed(record)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: str | None = None) -> str:
        if isinstance(excinfo.value, ScriptFailed):
            record = excinfo.value.record
            return f"{record.failure_message()}\n\n{record.transcript()}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        line = self.case.line - 1 if self.case is not None else 0
        return self.path, line, f"{self.path.name}::{self.name}"


class _Problem:
    """A script that cannot be parsed, as a record."""

    def __init__(self, text: str) -> None:
        self.text = text

    def failure_message(self) -> str:
        return self.text.splitlines()[0]

    def transcript(self) -> str:
        return self.text


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "panel_script: a panel-tui script (*.panel) collected as a test")


#: the fixtures below: an ``async def`` test that uses one is run by this plugin (pytest_pyfunc_call)
_OUR_FIXTURES = ("tenant", "panel_device", "mailbox", "panel_session")


def _uses_our_fixtures(item: pytest.Function) -> bool:
    """Whether the test asks for a fixture defined here (not one of the project's own of the same
    name, e.g. a ``tenant`` fixture in its conftest)."""
    defs = getattr(item, "_fixtureinfo", None)
    by_name = getattr(defs, "name2fixturedefs", {}) if defs is not None else {}
    for name in _OUR_FIXTURES:
        chain = by_name.get(name) or ()
        if chain and getattr(chain[-1].func, "__module__", "") == __name__:
            return True
    return False


def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests that use these fixtures, so docs/SCENARIOS.md's example passes
    as written in any folder: ``await panel_session.step(...)`` needs an event loop, and without
    one pytest fails the test ("async def functions are not natively supported") unless
    pytest-asyncio runs in auto mode, a setting a tester's folder does not have.

    A test pytest-asyncio (or another plugin) already runs arrives here as a plain function
    (pytest-asyncio swaps ``obj`` for a synchronous wrapper), so it is left to them: one loop,
    never two. Returning None hands every other test to pytest as before.
    """
    import inspect

    func = pyfuncitem.obj
    if not inspect.iscoroutinefunction(func) or not _uses_our_fixtures(pyfuncitem):
        return None
    import asyncio

    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(func(**args))
    return True


# -- fixtures ------------------------------------------------------------------------------------


class Mailbox:
    """What the tenant delivered: ``messages(to=None)`` (``email.message.EmailMessage``, oldest
    first), ``newest(to=None)``, ``attachments(msg)`` as ``[(name, size)]``."""

    def __init__(self, tenant: TenantHandle) -> None:
        self.tenant = tenant

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        from panel_tui.scenarios.checks import _messages

        found = _messages(self.tenant.admin)
        return [m for m in found if to is None or to.lower() in str(m.get("To", "")).lower()]

    def newest(self, to: str | None = None) -> EmailMessage:
        found = self.messages(to)
        if not found:
            raise AssertionError(f"no mail was delivered{f' to {to}' if to else ''}")
        return found[-1]

    @staticmethod
    def attachments(msg: EmailMessage) -> list[tuple[str, int]]:
        from panel_tui.scenarios.checks import _attachments

        return _attachments(msg)


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[TenantHandle]:
    """The simulated tenant in ``tmp_path/state/tenant`` (prepared preset), stopped afterwards."""
    from cloud_sim import start_tenant
    from panel_tui.scenarios.environment import DEVICE_CODE_INTERVAL

    handle = start_tenant(tmp_path / "state" / "tenant", device_code_interval=DEVICE_CODE_INTERVAL)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def panel_device(tenant: TenantHandle, tmp_path: Path) -> Device:
    """A factory Device in ``tmp_path/state``, its email service pointed at ``tenant``."""
    from device_model import Device
    from device_model.email import EmailServiceProfile

    device = Device(tmp_path / "state")
    device.email.set_profile(EmailServiceProfile.from_tenant(tenant), warm_up=False)
    return device


@pytest.fixture
def mailbox(tenant: TenantHandle) -> Mailbox:
    return Mailbox(tenant)


@pytest.fixture
def panel_session(panel_device: Device, tenant: TenantHandle) -> Session:
    """A scenario session: ``await panel_session.step(catalog.SignIn("admin"))``."""
    from panel_tui.scenarios.engine import Session

    return Session(panel_device, tenant)
