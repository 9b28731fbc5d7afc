"""The catalogue of device models: one TOML file per model in this package.

A model is data, not code: its name, serial, MAC, firmware, panel size and the features the
guide names "compatible models only" for (fax with Fax Server, Epson Print Admin Serverless, an
additional network). Surfaces ask ``profile.has(feature)`` and leave out what a model lacks, as
the real device does. The model a state dir was created with is kept there (``model.json``), so
a later start without ``--model`` is the same printer.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from ..jsontypes import JsonObject

from .. import parsed_copy
from ..profile import DEFAULT_LOCKED_ITEMS, FEATURES, AdditionalNetwork, DeviceProfile

#: the file in a state dir that names its model
MODEL_FILE = "model.json"
SCHEMA_VERSION = 1


class UnknownModel(LookupError):
    """``--model`` named no model of the catalogue; the message lists the ids."""


@dataclass(frozen=True)
class ModelEntry:
    """One catalogue entry: the id, the profile, and whether it is the default."""

    id: str
    profile: DeviceProfile
    default: bool = False
    #: the real product the model emulates (e.g. "WF-C5890DWF"): a trainer checks the spec sheet
    variant: str = ""
    #: what the emulation leaves out of that product, said on the ``models`` line
    note: str = ""


def _profile(raw: JsonObject, source: str) -> DeviceProfile:
    features = raw.get("features", {})
    unknown = set(features) - set(FEATURES)
    if unknown:
        raise ValueError(f"{source}: unknown features {sorted(unknown)}")
    extra = raw.get("additional_network")
    additional = None
    if features.get("additional_network"):
        additional = AdditionalNetwork(**extra) if isinstance(extra, dict) else AdditionalNetwork()
    fields: dict[str, object] = {
        "model_id": str(raw["id"]),
        "model": str(raw["model"]),
        "serial_number": str(raw["serial_number"]),
        "mac_address": str(raw["mac_address"]),
        "firmware_version": str(raw["firmware_version"]),
        "panel_size": str(raw.get("panel_size", "4.3-inch")),
        "has_print": bool(features.get("print", True)),  # every model prints but a scanner
        "has_fax": bool(features.get("fax", False)),
        "has_fax_server": bool(features.get("fax_server", False)),
        "has_print_admin_serverless": bool(features.get("print_admin_serverless", False)),
        "additional_network": additional,
    }
    lock = raw.get("lock", {})
    also = lock.get("also_locked", []) if isinstance(lock, dict) else []
    if not (isinstance(also, list) and all(isinstance(item, str) for item in also)):
        raise ValueError(f"{source}: [lock] also_locked must be a list of menu item ids")
    if also:
        # what Lock Setting locks differs by model (REFERENCE.md): the model's own additions
        fields["locked_items"] = DEFAULT_LOCKED_ITEMS | frozenset(also)
    for name in ("has_general_settings", "has_security_settings", "has_wifi"):
        if name in raw:
            fields[name] = bool(raw[name])
    return DeviceProfile(**fields)


def catalogue() -> list[ModelEntry]:
    """Every model, the default first, then by id (read from the package's TOML files)."""
    return list(_catalogue())


@functools.cache
def _catalogue() -> tuple[ModelEntry, ...]:
    """Parsed once per process: the files are package data, and a start asks for the catalogue
    up to three times (the kept model's id, its profile, the default) before the first frame."""
    folder = Path(__file__).parent
    paths = sorted(folder.glob("*.toml"), key=lambda p: p.name)
    tables = parsed_copy.read(folder, "models", paths)  # tomllib only when the copy is stale
    if not (isinstance(tables, list) and len(tables) == len(paths) and all(isinstance(t, dict) for t in tables)):
        import tomllib

        tables = [tomllib.loads(item.read_text("utf-8")) for item in paths]
        parsed_copy.write(folder, "models", paths, tables)
    entries: list[ModelEntry] = []
    for item, raw in zip(paths, tables):
        entries.append(ModelEntry(str(raw["id"]), _profile(raw, item.name), bool(raw.get("default", False)),
                                  str(raw.get("variant", "")), str(raw.get("note", ""))))
    entries.sort(key=lambda e: (not e.default, e.id))
    return tuple(entries)


def ids() -> list[str]:
    return [e.id for e in catalogue()]


def get(model_id: str) -> DeviceProfile:
    """The profile of ``model_id``; UnknownModel (listing the ids) if there is none."""
    for entry in catalogue():
        if entry.id == model_id.strip().lower():
            return entry.profile
    raise UnknownModel(f"unknown model {model_id!r} (models: {', '.join(ids())})")


def default() -> DeviceProfile:
    return catalogue()[0].profile


def stored_model(state_dir: Path) -> str | None:
    """The model id kept in ``state_dir`` (None: none yet, or an unreadable file)."""
    import json

    try:
        raw = json.loads((Path(state_dir) / MODEL_FILE).read_text("utf-8"))
        model_id = raw["data"]["model"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return model_id if isinstance(model_id, str) and model_id in ids() else None


def for_state_dir(state_dir: Path, requested: str | None = None) -> DeviceProfile:
    """The profile to run ``state_dir`` with: ``requested`` (then kept), else the kept one, else
    the default. Raises UnknownModel for a requested id the catalogue lacks."""
    from ..storage import atomic_write_json

    if requested:
        profile = get(requested)
        if stored_model(state_dir) != profile.model_id:
            Path(state_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write_json(Path(state_dir) / MODEL_FILE,
                              {"schema_version": SCHEMA_VERSION, "data": {"model": profile.model_id}})
        return profile
    kept = stored_model(state_dir)
    return get(kept) if kept else default()


#: how ``panel-tui models`` names the features (the guide's words; a CLI listing is English)
FEATURE_LABELS: dict[str, str] = {
    "fax": "fax",
    "fax_server": "Fax Server email",
    "print_admin_serverless": "Print Admin Serverless",
    "additional_network": "additional network",
}


def feature_words(p: DeviceProfile) -> str:
    """The ``models`` line of what a model has, and what a trainer may expect but it lacks (a
    scanner does not print; no fax; one network), so no one reads a gap as a bug."""
    words = [FEATURE_LABELS[f] for f in FEATURES if f in p.features and f in FEATURE_LABELS]
    if not p.has("print"):
        words.insert(0, "scanner: no print")
    if not p.has("fax"):
        words.append("no fax")
    if not p.has("additional_network"):
        words.append("one network")
    return ", ".join(words)


def listing() -> str:
    """What ``panel-tui models`` prints: three lines a model, a fourth for a note (fits 80
    columns)."""
    blocks = []
    for e in catalogue():
        p = e.profile
        feats = feature_words(p)
        mark = "  (default)" if e.default else ""
        variant = f", as {e.variant}" if e.variant else ""
        note = f"\n{'':<10} ({e.note})" if e.note else ""
        blocks.append(f"{e.id:<10} {p.model}{mark}\n{'':<10} {p.panel_size} panel, serial {p.serial_number}{variant}\n"
                      f"{'':<10} {feats}{note}")
    return "\n".join(blocks)
