"""Guided mode's steps: which of the guide's steps comes next on this printer.

Worked out from the device's own state (the sign-in saved with OK, the job log) and from the
device's events as they arrive (Web Config's administrator session, a sign-in begun or
finished, a Connection Test's outcome), never by polling. The furthest step reached counts:
a student who comes back after OK is shown Connection Test, not "log in" again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from device_model import Device

#: the guide's steps in order (the catalog's ``panel.guided.step.<id>`` words each one)
STEPS = ("login", "oauth2", "signin", "ok", "conntest", "scan")

#: the surface (the app's mode) each step is done on: its words say how to get there ("F3 Web
#: Config, Ctrl+L: ..."), and on that surface ``panel.guided.step.<id>.here`` words only what is
#: left ("Ctrl+L: ..."), as "press F3" read as wrong to someone already in Web Config, and a
#: person on the panel read "Network > Email Server > Basic" without the key that gets there
STEP_SURFACE = {"login": "webconfig", "oauth2": "webconfig", "signin": "cloud", "ok": "webconfig",
                "conntest": "webconfig", "scan": "panel"}


def step_message(step: str, surface: str) -> str:
    """The catalog key of ``step``'s words as seen on ``surface`` ("panel", "webconfig", "cloud")."""
    here = STEP_SURFACE.get(step) == surface
    return f"panel.guided.step.{step}.here" if here else f"panel.guided.step.{step}"


@dataclass
class GuideProgress:
    """The steps done so far, fed by the device's events (:meth:`hear`)."""

    done: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, device: Device) -> GuideProgress:
        """What the device's saved state already says (a panel started again keeps its place)."""
        progress = cls()
        if device.email.status().state == "signed_in":
            progress.done.add("ok")
        for job in device.jobs.log:
            if job.kind == "scan_to_email" and job.status == "completed":
                progress.done.add("scan")
        return progress

    def hear(self, kind: str, detail: object) -> bool:
        """Take one device event into account; True when the next step may have changed."""
        before = self.next_step
        if kind == "webconfig" and detail == "login":
            self.done.add("login")
        elif kind == "signin" and isinstance(detail, dict):
            event = detail.get("event")
            if event == "committed":
                self.done.add("ok")
            elif event is None and detail.get("state") == "signed_in":
                self.done.add("signin")
            elif event is None and detail.get("user_code"):
                self.done.add("oauth2")  # Sign In with OAuth2 chosen: the code is shown
        elif kind == "conntest" and detail == "email.conntest.ok":
            self.done.add("conntest")
        elif kind == "jobs":
            return True  # the caller re-reads the job log (a scan may have finished)
        return self.next_step != before

    def note_jobs(self, device: Device) -> None:
        for job in device.jobs.log[:5]:
            if job.kind == "scan_to_email" and job.status == "completed":
                self.done.add("scan")

    @property
    def next_step(self) -> str | None:
        """The step after the furthest one done; None when the guide is finished."""
        reached = max((STEPS.index(s) for s in self.done), default=-1)
        return STEPS[reached + 1] if reached + 1 < len(STEPS) else None
