"""The one object every surface holds: the emulated printer.

``Device(state_dir)`` loads (or creates) its state files in ``state_dir`` (0700):
``settings.json`` (all settings sections, incl. the SMTP password: 0600), ``admin.json`` (the
admin password's scrypt hash and the failure counter), ``joblog.json`` and ``clock.json`` (the
device clock's offset). Any unusable file is moved aside and reported in ``startup_problems``;
the device then starts with defaults. It never raises for bad state.

Change events (``DeviceEvent``) go to subscribers synchronously on the thread that made the
change; the panel marshals them onto its loop (``App.call_from_thread``).
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from . import reset, storage
from .admin import AdminLock
from .clock import MAX_OFFSET, Clock
from .errors import ErrorCatalog
from .events import DeviceEvent
from .i18n import Catalog, Msg, default_catalog
from .jobs import JobLog
from .network import EmailServerStatus, NetworkStatus
from .profile import DeviceProfile
from .trust import CaCertificates
from .settings import SECTION_TYPES, NetworkSettings, Section, Settings
from .validation import ValidationError, section_from_dict, validate_section
from .jsontypes import JsonObject

if TYPE_CHECKING:
    from .email import EmailClient
    from .fax import FaxServerEmail
    from .pas import PrintAdminServerless

log = logging.getLogger(__name__)

SETTINGS_SCHEMA = 1
CLOCK_SCHEMA = 1
#: At most this many "bad value" notices at one start (a file full of them is one story).
MAX_VALUE_PROBLEMS = 5
#: Every file the device keeps in its state dir (the email client's live under ``email/``).
STATE_FILES = ("settings.json", "admin.json", "joblog.json", "joblog.journal", "clock.json", "email/token_cache.json",
               "email/signin.json", "panel.json")


_FILE_PROBLEMS = {"device.problem.corrupt_file": None, "device.problem.bad_section": "settings.json",
                  "device.problem.bad_value": "settings.json"}


def saved_language(state_dir: Path) -> str | None:
    """The language kept in ``state_dir``'s settings (Basic Settings > Language), or None.

    For a caller that speaks for the printer before (or beside) its panel, such as the class
    server's lines to a student: it only reads. A missing, oversized, corrupt or foreign file is
    None, and is left where it is for the panel's own start-up to report and set aside
    (:func:`storage.load_document` would move it). One small file, read once per line.
    """
    import json

    from .settings import LANGUAGES

    path = Path(state_dir) / "settings.json"
    try:
        if path.stat().st_size > storage.MAX_STATE_FILE:
            return None
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or doc.get("schema_version") != SETTINGS_SCHEMA:
        return None
    basic = doc.get("data", {}).get("basic") if isinstance(doc.get("data"), dict) else None
    language = basic.get("language") if isinstance(basic, dict) else None
    return language if language in LANGUAGES else None


def problem_notices(problems: list[Msg], limit: int = 2) -> list[Msg]:
    """The notices the panel shows for ``problems``: each one when few, else one summary.

    Why: a panel of 24 rows holds about two notices; five damaged files would push each other
    off the screen and the person would read none. The summary names every file; each file's
    full story is in the log (and its copy stays beside it as ``<name>.corrupt-<time>``).
    """
    file_problems = [m for m in problems if m.key in _FILE_PROBLEMS]
    others = [m for m in problems if m.key not in _FILE_PROBLEMS]
    if len(file_problems) <= limit:
        return others + file_problems
    files: list[str] = []
    for m in file_problems:
        name = _FILE_PROBLEMS[m.key] or str(m.params.get("file", "?"))
        if name not in files:
            files.append(name)
    return others + [Msg.of("device.problem.several", count=len(files), files=", ".join(files))]


class Device:
    """The emulated printer (see module docstring and CONTRACTS.md)."""

    def __init__(
        self,
        state_dir: Path,
        *,
        profile: DeviceProfile | None = None,
        clock: Clock | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        self._started = False  # problems found while starting are only collected
        self.state_dir = storage.ensure_dir(Path(state_dir))
        self.startup_problems: list[Msg] = []
        self._unwritable_reported = False
        try:
            reset.finish_pending(self.state_dir)  # a reset cut short by a kill ends before anything loads
        except OSError as exc:
            self.report_unwritable(exc)
        self._tidy_state_dir()
        self.profile = profile or DeviceProfile.default()
        self.catalog = catalog or default_catalog()
        self._subscribers: list[Callable[[DeviceEvent], None]] = []
        self._sub_lock = threading.Lock()
        self._settings_lock = threading.RLock()
        self._email: EmailClient | None = None
        self._fax_server_email: FaxServerEmail | None = None
        self._pas: PrintAdminServerless | None = None
        self._email_lock = threading.RLock()  # guards the three clients' lazy creation

        self._clock_given = clock is not None
        self.clock = clock or Clock()
        self._load_clock()
        self.clock.on_change(self._clock_changed)

        self._settings = self._load_settings()
        self.errors = ErrorCatalog()
        self.jobs = JobLog(self.state_dir / "joblog.json", self.clock.now, self._emit, self._report_problem)
        self.admin = AdminLock(self, self.state_dir / "admin.json")
        #: Network Security > CA Certificate: CAs trusted for SMTP besides the service's own
        self.trust = CaCertificates(self.state_dir / "ca_certificates", self._emit, self.clock.now)
        self._started = True

    # -- events -----------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[DeviceEvent], None]) -> Callable[[], None]:
        """Call ``callback(DeviceEvent)`` on every change (possibly off the UI thread).

        Returns a function that unsubscribes. A callback that raises is logged and kept.
        """
        with self._sub_lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._sub_lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def _emit(self, kind: str, detail: object = None) -> None:
        event = DeviceEvent(kind, detail)
        with self._sub_lock:
            subscribers = list(self._subscribers)
        for cb in subscribers:
            try:
                cb(event)
            except Exception:  # a broken surface must not break the device
                log.exception("device event subscriber failed for %s", event)

    def emit(self, kind: str, detail: object = None) -> None:
        """Fire an event on behalf of a part of the device (e.g. the email client's "signin")."""
        self._emit(kind, detail)

    def _report_problem(self, msg: Msg) -> None:
        """Record a problem for the panel to show once (``startup_problems``).

        After the start (a file found bad while running, e.g. the token cache at the first
        send) the problem is also sent as ``DeviceEvent("problem", msg)`` so that a running
        panel can show it at once.
        """
        self.startup_problems.append(msg)
        if self._started:
            self._emit("problem", msg)

    def report_problem(self, msg: Msg) -> None:
        """Public form of :meth:`_report_problem` for parts of the device (the email client)."""
        self._report_problem(msg)

    def report_unwritable(self, exc: OSError) -> None:
        """The state dir refuses writes (another user's, read-only, full): say so once, go on."""
        log.error("cannot write in the state dir %s: %s", self.state_dir, exc)
        if not self._unwritable_reported:
            self._unwritable_reported = True
            self._report_problem(Msg.of("device.problem.unwritable", dir=str(self.state_dir),
                                        reason=exc.strerror or type(exc).__name__))

    def _tidy_state_dir(self) -> None:
        """Undo what a kill -9 can leave: temp files of unfinished writes; and keep the modes
        promised (0700 dirs, 0600 files) even if something (a copy, an umask) loosened them."""
        for directory in (self.state_dir, self.state_dir / "email", self.state_dir / "prints"):
            storage.clean_leftovers(directory)
        storage.chmod_quietly(self.state_dir / "email", storage.DIR_MODE)
        for name in STATE_FILES:
            storage.chmod_quietly(self.state_dir / name, storage.FILE_MODE)

    # -- clock ------------------------------------------------------------------------------
    def _load_clock(self) -> None:
        def parse(data: JsonObject) -> timedelta:
            limit = MAX_OFFSET.total_seconds()
            seconds = storage.bounded_float(data.get("offset_seconds", 0), -limit, limit, "offset_seconds")
            return timedelta(seconds=seconds)

        offset = storage.read_state(self.state_dir / "clock.json", CLOCK_SCHEMA, parse, self._report_problem,
                                    kind="clock")
        if offset is not None and not self._clock_given:
            self.clock.set_offset(offset)

    def _clock_changed(self, offset: timedelta) -> None:
        if not self._clock_given:  # a clock given by the caller (tests, snapshots) is theirs
            try:
                storage.write_document(self.state_dir / "clock.json", CLOCK_SCHEMA,
                                       {"offset_seconds": offset.total_seconds()})
            except OSError as exc:
                log.error("cannot save the clock offset: %s", exc)
        self._emit("clock", offset.total_seconds())

    def local_now(self) -> datetime:
        """Device time shifted by Basic Settings' Time Difference (what the panel shows)."""
        minutes = self._settings.basic.time_difference_minutes
        return self.clock.now().astimezone(timezone(timedelta(minutes=minutes)))

    def format_datetime(self, when: datetime | None = None, *, seconds: bool = False) -> str:
        """``when`` (default: now) in the Date/Time Settings' format, in the device's time zone."""
        basic = self._settings.basic
        when = (when or self.clock.now()).astimezone(timezone(timedelta(minutes=basic.time_difference_minutes)))
        date_fmt = {"yyyy.mm.dd": "%Y.%m.%d", "mm.dd.yyyy": "%m.%d.%Y", "dd.mm.yyyy": "%d.%m.%Y"}.get(
            basic.date_format, "%Y.%m.%d")
        if basic.time_format == "12h":
            time_fmt = "%I:%M:%S %p" if seconds else "%I:%M %p"
        else:
            time_fmt = "%H:%M:%S" if seconds else "%H:%M"
        return when.strftime(f"{date_fmt} {time_fmt}")

    # -- settings ---------------------------------------------------------------------------
    def _defaults(self) -> Settings:
        return Settings(network=NetworkSettings(device_name=self.profile.default_device_name))

    def _load_settings(self) -> Settings:
        path = self.state_dir / "settings.json"
        defaults = self._defaults()
        result = storage.load_document(path, SETTINGS_SCHEMA, kind="settings")
        if result.problem:
            self._report_problem(result.problem)
        if result.data is None:
            if not path.exists():
                try:
                    self._write_settings(defaults)
                except OSError as exc:
                    self.report_unwritable(exc)
            return defaults
        settings = defaults
        problems: list[Msg] = []
        for name in SECTION_TYPES:
            raw = result.data.get(name)
            if raw is None:
                continue
            if not isinstance(raw, dict):
                problems.append(Msg.of("device.problem.bad_section", section=name))
                continue
            section, bad = section_from_dict(name, raw, defaults.section(name))
            for field_name in bad:
                problems.append(Msg.of("device.problem.bad_value", section=name, field=field_name))
            settings = settings.with_section(name, section)
        if problems:
            # Reported once: the file as found is kept aside, the repaired settings replace it
            for msg in problems[:MAX_VALUE_PROBLEMS]:
                self._report_problem(msg)
            storage.move_aside(path)
        renamed = self._name_follows_model(settings)
        if problems or renamed is not settings:
            try:
                self._write_settings(renamed)
            except OSError as exc:
                self.report_unwritable(exc)
        return renamed

    def _name_follows_model(self, settings: Settings) -> Settings:
        """The factory name of another model becomes this model's own.

        A state dir started once with ``--model am-c4000`` and later with ``--model ds-c490`` kept
        "EPSON40004C", made from the AM-C4000's MAC, beside the DS-C490's MAC on every status
        screen. A factory name is made from the MAC, so it follows the MAC; a name someone typed
        (anything that is not a model's factory name) stays as it is.
        """
        name = settings.network.device_name
        own = self.profile.default_device_name
        if name == own or not (name.startswith("EPSON") and len(name) == len(own)):
            return settings
        from . import models

        if name not in {entry.profile.default_device_name for entry in models.catalogue()}:
            return settings
        if (models.stored_model(self.state_dir) or models.default().model_id) != self.profile.model_id:
            return settings  # not opened as the state dir's own model (a tool's plain Device(dir))
        return settings.with_section("network", dataclasses.replace(settings.network, device_name=own))

    def _write_settings(self, settings: Settings) -> None:
        storage.write_document(self.state_dir / "settings.json", SETTINGS_SCHEMA, settings.to_dict())

    @property
    def settings(self) -> Settings:
        """A frozen snapshot of all settings."""
        return self._settings

    def validate(self, section: str, **values: object) -> Section:
        """Check a change without saving it; returns the new section or raises ValidationError."""
        return validate_section(section, self._settings.section(section) if section in SECTION_TYPES else None,
                                values)

    def update(self, section: str, **values: object) -> None:
        """Validate every field, then save atomically and emit ``DeviceEvent("settings", section)``.

        Raises :class:`~device_model.validation.ValidationError` (``errors: dict[field, Msg]``)
        and saves nothing if any value is bad. Values may be strings as typed ("587").
        """
        with self._settings_lock:
            current = self._settings
            if section not in SECTION_TYPES:
                raise ValidationError({"section": Msg.of("validation.unknown_section", section=section)})
            new_section = validate_section(section, current.section(section), values)
            new = current.with_section(section, new_section)
            if new == current:
                return
            self._write_settings(new)
            self._settings = new
        log.info("settings updated: %s (%s)", section, ", ".join(sorted(values)))
        self._emit("settings", section)

    def restore_default_settings(self) -> None:
        """System Administration > Restore Default Settings: all settings and the admin password
        back to factory values (the job log stays). Ends the admin session."""
        with self._settings_lock:
            defaults = self._defaults()
            self._write_settings(defaults)
            self._settings = defaults
        self.admin.restore_factory_state()
        for name in SECTION_TYPES:
            self._emit("settings", name)

    def factory_reset(self) -> None:
        """Restore Default Settings as the panel offers it: the device as it left the factory.

        Settings and the admin password (as :meth:`restore_default_settings`), and also the
        email sign-in (token cache) and the job log. Journalled (:mod:`device_model.reset`):
        if the process dies halfway, the next start finishes the reset.
        """
        reset.begin(self.state_dir)
        try:
            self.email.sign_out()
        except Exception:  # the journal still clears its files at the next start
            log.exception("sign-out during the factory reset failed")
        self.jobs.clear()
        # the Fax Server's and the Print Admin Serverless users' sign-ins, the CA certificates
        with self._email_lock:
            self._fax_server_email = None
            self._pas = None
        for name in reset.DEVICE_DIRS[1:]:
            shutil.rmtree(self.state_dir / name, ignore_errors=True)
        (self.state_dir / "pas.json").unlink(missing_ok=True)
        self.restore_default_settings()
        reset.done(self.state_dir)
        log.info("factory reset of %s", self.state_dir)

    # -- i18n -------------------------------------------------------------------------------
    @property
    def language(self) -> str:
        return self._settings.basic.language

    def t(self, key: "str | Msg", **params: object) -> str:
        """A message in the device's current language (never raises; unknown keys show the key)."""
        return self.catalog.translate(self.language, key, **params)

    def languages(self) -> list[str]:
        return self.catalog.languages()

    # -- status -----------------------------------------------------------------------------
    def network_status(self) -> NetworkStatus:
        """Wired LAN/Wi-Fi Status as it stands."""
        return NetworkStatus.from_settings(self._settings, self.profile)

    def email_server_status(self) -> EmailServerStatus:
        """Email Server Status, including the OAuth2 sign-in the device holds (if any)."""
        signin = self.email.status()
        return EmailServerStatus.from_settings(self._settings, signin.state, signin.account or "",
                                               signin.sign_in_again)

    def print_status_sheet(self) -> Path:
        """"Print" the network status sheet as a PDF under ``state_dir/prints``; logs a print job."""
        from .status_sheet import print_status_sheet

        return print_status_sheet(self)

    @property
    def prints_dir(self) -> Path:
        """Where printed sheets land (shown on the panel after printing)."""
        return self.state_dir / "prints"

    # -- email ----------------------------------------------------------------------------
    @property
    def email(self) -> EmailClient:
        """The email client, created on first use.

        Imported here, not at the top: msal and aiosmtplib stay out of the panel's first frame.
        """
        with self._email_lock:
            if self._email is None:
                from .email import EmailClient

                self._email = EmailClient(self)
            return self._email

    @email.setter
    def email(self, client: EmailClient) -> None:
        """Install an email client explicitly (tests, or the CLI with a service profile)."""
        with self._email_lock:
            self._email = client

    @property
    def fax_server_email(self) -> FaxServerEmail:
        """The Fax Server's email client (Web Config > Fax > Fax Server), made on first use."""
        with self._email_lock:
            if self._fax_server_email is None:
                from .fax import FaxServerEmail

                self._fax_server_email = FaxServerEmail(self)
            return self._fax_server_email

    @property
    def pas(self) -> PrintAdminServerless:
        """Print Admin Serverless: its users and their "To Email" clients, made on first use."""
        with self._email_lock:
            if self._pas is None:
                from .pas import PrintAdminServerless

                self._pas = PrintAdminServerless(self)
            return self._pas
