"""msal, imported without the XML parser and the web server it loads for flows the printer
never uses.

``msal`` imports ``xml.etree.cElementTree`` (with ``pyexpat``) at start for WS-Trust, the
username/password flow of federated (ADFS) accounts. The printer signs in with the device-code
flow only, and that parser was ~0.6 MiB of the panel's memory for nothing. It is registered as a
lazy module (the standard library's ``importlib.util.LazyLoader``): it loads the first time
something reads from it, so WS-Trust would still work.

Likewise ``msal.oauth2cli.authcode``, the local web server of the interactive (browser) flow,
imports ``http.server`` and ``socketserver`` at start (~0.4 MiB). msal takes two names from it
at import (``is_wsl``, ``AuthCodeReceiver``), so a lazy module would load at once; it is stood
in for by a module whose names load the real one when called (`_AUTHCODE`).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

#: what msal imports at start and only WS-Trust (``msal.mex``, ``msal.wstrust_response``) reads
DEFERRED = ("xml.etree.cElementTree",)


def import_msal() -> ModuleType:
    """``import msal``, with `DEFERRED` loaded only when used."""
    if "msal" not in sys.modules:
        for name in DEFERRED:
            _defer(name)
        _stand_in_for_authcode()
    import msal

    return msal


def _defer(name: str) -> None:
    """Register ``name`` as a module that runs its code when first read from."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)  # as the import system does for a submodule


#: msal's browser-flow module: stood in for until one of its names is used
_AUTHCODE = "msal.oauth2cli.authcode"


def _stand_in_for_authcode() -> None:
    """Put a stand-in for `_AUTHCODE` in ``sys.modules``: its names (the two msal imports at
    start, and any other, read through the module) import the real module when first used."""
    if _AUTHCODE in sys.modules:
        return
    package = importlib.util.find_spec("msal")  # finds, does not import
    if package is None or not package.submodule_search_locations:
        return
    path = Path(next(iter(package.submodule_search_locations))) / "oauth2cli" / "authcode.py"
    if not path.is_file():
        return
    loaded: list[ModuleType] = []

    def real() -> ModuleType:
        """The real module, imported now if it was not (it then replaces the stand-in)."""
        if not loaded:
            spec = importlib.util.spec_from_file_location(_AUTHCODE, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[_AUTHCODE] = module
            spec.loader.exec_module(module)
            parent = sys.modules.get("msal.oauth2cli")
            if parent is not None:
                parent.authcode = module  # type: ignore[attr-defined]
            loaded.append(module)
        return loaded[0]

    def is_wsl() -> bool:
        return bool(real().is_wsl())

    def auth_code_receiver(*args: object, **kwargs: object) -> object:
        return real().AuthCodeReceiver(*args, **kwargs)

    stand_in = ModuleType(_AUTHCODE, "Stands in for msal's browser-flow module until it is used.")
    stand_in.is_wsl = is_wsl  # type: ignore[attr-defined]
    stand_in.AuthCodeReceiver = auth_code_receiver  # type: ignore[attr-defined]
    def other_name(name: str) -> object:
        if name.startswith("__"):  # the import system's questions (``__path__``...): not msal's
            raise AttributeError(name)
        return getattr(real(), name)

    stand_in.__getattr__ = other_name  # type: ignore[attr-defined]
    sys.modules[_AUTHCODE] = stand_in
