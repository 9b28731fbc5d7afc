"""AppConfig: what the CLI hands to the app, read from arguments and an optional config.toml.

Kept free of Textual and of the device model so that `panel-tui --help` and `--version`
stay instant (harlequin reads its config the same way: tomllib in, plain dataclass out).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from device_model import Device

log = logging.getLogger(__name__)

LANGUAGES = ("en", "lv")
EMAIL_SERVICES = ("exchange-online", "outlook.com", "simulated")
TENANT_PRESETS = ("fresh", "prepared")
CONFIG_FILE = "config.toml"


def default_state_dir() -> Path:
    """The platformdirs user state dir; imported late, it is only needed when no dir is given."""
    from platformdirs import user_state_dir

    return Path(user_state_dir("panel-tui"))


@dataclass(frozen=True)
class AppConfig:
    """Everything the panel needs to start (from the command line and config.toml)."""

    state_dir: Path = field(default_factory=default_state_dir)
    lang: str | None = None
    no_mouse: bool = False
    cloud_url: str | None = None
    cloud_ca: Path | None = None
    email_service: str | None = None
    client_id: str | None = None
    tenant: str | None = None
    tenant_preset: str = "prepared"
    #: device model id (device_model/models); None: the one kept in the state dir, or the default
    model: str | None = None
    #: more `cloud_sim.start_tenant` options for the embedded tenant (tests and benchmarks set
    #: these; config.toml cannot)
    tenant_options: Mapping[str, object] = field(default_factory=dict)

    def with_overrides(self, **values: object) -> AppConfig:
        """A copy with the given non-None values set (CLI arguments win over the file)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def make_device(config: AppConfig) -> Device:
    """The Device for this config (its state dir; the session language if one was given)."""
    from device_model import Device, models

    device = Device(config.state_dir, profile=models.for_state_dir(config.state_dir, config.model))
    if config.lang:
        device.update("basic", language=config.lang)
    return device


class ConfigError(ValueError):
    """A config.toml value that cannot be used; the CLI prints it and exits with status 2."""


def read_config_file(state_dir: Path) -> dict[str, object]:
    """Read `config.toml` in the state dir, if any: a flat table of AppConfig field names.

    Keys may use dashes or underscores (`email-service` or `email_service`). Unknown keys
    are logged and ignored so that a newer file does not break an older program.
    """
    path = state_dir / CONFIG_FILE
    if not path.is_file():
        return {}
    import tomllib

    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: TOML errors and bad UTF-8
        raise ConfigError(f"{path}: not a readable TOML file ({type(exc).__name__}: {str(exc)[:200]})") from exc
    known = {f.name for f in fields(AppConfig)} - {"state_dir", "tenant_options"}
    values: dict[str, object] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in known:
            log.warning("%s: unknown key %r ignored", path, key)
            continue
        values[name] = value
    return _coerce(values, path)


#: The type each config.toml key must have (TOML has real types: ``cloud_ca = 5`` is an int).
_TYPES: dict[str, type] = {
    "lang": str, "no_mouse": bool, "cloud_url": str, "cloud_ca": str, "email_service": str,
    "client_id": str, "tenant": str, "tenant_preset": str, "model": str,
}


def _coerce(values: dict[str, object], source: Path | str) -> dict[str, object]:
    """Check types and choices and turn paths into Path objects.

    Every fault is a :class:`ConfigError` naming the key, so the CLI says what to fix instead of
    a traceback from deep inside the app (``Path(5)``, ``"a" in 5``).
    """
    for name, kind in _TYPES.items():
        value = values.get(name)
        if value is not None and not isinstance(value, kind):
            raise ConfigError(f"{source}: {name} must be {'true or false' if kind is bool else 'a string'}")
        if isinstance(value, str) and ("\0" in value or len(value) > 4096):
            raise ConfigError(f"{source}: {name} is not a usable value")
    checks = {"lang": LANGUAGES, "email_service": EMAIL_SERVICES, "tenant_preset": TENANT_PRESETS}
    for name, choices in checks.items():
        if name in values and values[name] not in choices:
            raise ConfigError(f"{source}: {name} must be one of {', '.join(choices)}")
    if "cloud_ca" in values and values["cloud_ca"] is not None:
        values["cloud_ca"] = Path(str(values["cloud_ca"])).expanduser()  # a str: checked above
    if "no_mouse" in values:
        values["no_mouse"] = bool(values["no_mouse"])
    return values
