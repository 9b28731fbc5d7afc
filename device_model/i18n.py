"""Translatable messages and the per-language message catalog.

Every string a surface shows goes through here so that English and Latvian stay complete and a
language switch needs no restart. Catalog files live in ``device_model/locales/<lang>/*.toml``;
each area (panel, menu, errors, validation, ...) owns its own file and the catalog merges them.
Nested TOML tables and dotted keys are flattened, so ``[error.360]\\nstatus = "..."`` and
``"error.360.status" = "..."`` both give the key ``error.360.status``.

Lookups never raise: a missing key shows the key itself, a missing parameter shows ``{name}``.
That keeps a half-translated build usable; the unit tests are what keep it complete.
"""

from __future__ import annotations

import logging
import string
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from . import parsed_copy

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).with_name("locales")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Msg:
    """A message key plus its parameters, translated late (at display time).

    Parameters may themselves be ``Msg`` objects; they are translated in the same language. Any
    other parameter is shown as ``str.format`` shows it (numbers, text), so they are ``object``.
    """

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, key: str, **params: object) -> "Msg":
        """Shorthand: ``Msg.of("validation.port_range", min=1, max=65535)``."""
        return cls(key, dict(params))

    def __hash__(self) -> int:  # params is a dict; hash by key and sorted items' reprs
        return hash((self.key, tuple(sorted((k, repr(v)) for k, v in self.params.items()))))


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _flatten(prefix: str, table: Mapping[str, object], out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


def placeholders(text: str) -> set[str]:
    """Names of the ``{param}`` placeholders in a catalog text (used by the completeness test)."""
    names: set[str] = set()
    try:
        for _, name, _, _ in string.Formatter().parse(text):
            if name:
                names.add(name.split(".")[0].split("[")[0])
    except ValueError:
        pass
    return names


class Catalog:
    """All messages of all languages under one locales directory, loaded lazily per language."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else LOCALES_DIR
        self._cache: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def languages(self) -> list[str]:
        """Language codes that have a directory of catalog files, English first."""
        if not self.root.is_dir():
            return [DEFAULT_LANGUAGE]
        langs = sorted(p.name for p in self.root.iterdir() if p.is_dir() and any(p.glob("*.toml")))
        if DEFAULT_LANGUAGE in langs:
            langs.remove(DEFAULT_LANGUAGE)
            langs.insert(0, DEFAULT_LANGUAGE)
        return langs or [DEFAULT_LANGUAGE]

    def messages(self, lang: str) -> dict[str, str]:
        """The merged flat ``key -> text`` table of one language (a broken file is skipped, logged)."""
        with self._lock:
            cached = self._cache.get(lang)
            if cached is not None:
                return cached
            folder = self.root / lang
            paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
            kept = parsed_copy.read(folder, "catalog", paths)
            merged = kept if isinstance(kept, dict) else None
            if merged is None:
                merged = {}
                import tomllib  # only when the parsed copy is missing or stale (:mod:`.parsed_copy`)

                complete = True
                for path in paths:
                    try:
                        with path.open("rb") as fh:
                            _flatten("", tomllib.load(fh), merged)
                    except (OSError, tomllib.TOMLDecodeError) as exc:
                        complete = False  # never cache it: the error is reported on every start
                        log.error("message catalog %s unreadable: %s", path, exc)
                if complete:
                    parsed_copy.write(folder, "catalog", paths, merged)
            self._cache[lang] = merged
            return merged

    def files(self, lang: str) -> dict[str, dict[str, str]]:
        """Per-file flat tables of one language (for tests that compare languages file by file)."""
        import tomllib

        result: dict[str, dict[str, str]] = {}
        folder = self.root / lang
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            table: dict[str, str] = {}
            with path.open("rb") as fh:
                _flatten("", tomllib.load(fh), table)
            result[path.name] = table
        return result

    def has(self, lang: str, key: str) -> bool:
        return key in self.messages(lang)

    def translate(self, lang: str, key_or_msg: "str | Msg", **params: object) -> str:
        """Text for a key (or ``Msg``) in ``lang``; falls back to English, then to the key itself."""
        if isinstance(key_or_msg, Msg):
            key = key_or_msg.key
            merged = dict(key_or_msg.params)
            merged.update(params)
            params = merged
        else:
            key = str(key_or_msg)
        count = params.get("count")
        if isinstance(count, int) and not isinstance(count, bool):
            # "4 messages", "21 ziņojums", "10 ziņojumu": KEY.zero/.one/.other when the
            # catalog has them (CLDR's plural forms), else KEY itself
            forms = self.messages(lang)
            plural = f"{key}.{plural_form(lang, count)}"
            if plural in forms or f"{key}.other" in forms:
                key = plural if plural in forms else f"{key}.other"
        text = self.messages(lang).get(key)
        if text is None and lang != DEFAULT_LANGUAGE:
            text = self.messages(DEFAULT_LANGUAGE).get(key)
        if text is None:
            return key
        values = _SafeDict(
            {k: (self.translate(lang, v) if isinstance(v, Msg) else v) for k, v in params.items()}
        )
        try:
            return string.Formatter().vformat(text, (), values)
        except (ValueError, IndexError, KeyError, AttributeError, TypeError):
            log.warning("bad placeholder in message %s (%s)", key, lang)
            return text


_default_catalog: Catalog | None = None
_default_lock = threading.Lock()


def default_catalog() -> Catalog:
    """The catalog of the installed package's locales (shared, read-only after loading)."""
    global _default_catalog
    with _default_lock:
        if _default_catalog is None:
            _default_catalog = Catalog()
        return _default_catalog


def plural_form(lang: str, n: int) -> str:
    """CLDR's plural category of ``n`` in ``lang``: "zero", "one" or "other".

    Latvian: "one" ends in 1 but not 11 (1, 21, 101: "ziņojums"), "zero" ends in 0 or in 11-19
    (0, 10, 11, 15: "ziņojumu"), "other" the rest (2, 22: "ziņojumi"). English: 1 is "one".
    """
    n = abs(n)
    if lang == "lv":
        if n % 10 == 0 or 11 <= n % 100 <= 19:
            return "zero"
        if n % 10 == 1:
            return "one"
        return "other"
    return "one" if n == 1 else "other"


def translate(lang: str, key_or_msg: "str | Msg", **params: object) -> str:
    """Translate with the package catalog; never raises."""
    return default_catalog().translate(lang, key_or_msg, **params)


def languages() -> list[str]:
    """Languages the package ships (``["en", "lv"]``)."""
    return default_catalog().languages()
