"""msal, imported without the XML parser it loads for a flow the printer never uses.

``msal`` imports ``xml.etree.cElementTree`` (with ``pyexpat``) at start for WS-Trust, the
username/password flow of federated (ADFS) accounts. The printer signs in with the device-code
flow only, and that parser was ~0.6 MiB of the panel's memory for nothing. It is registered as a
lazy module (the standard library's ``importlib.util.LazyLoader``): it loads the first time
something reads from it, so WS-Trust would still work.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

#: what msal imports at start and only WS-Trust (``msal.mex``, ``msal.wstrust_response``) reads
DEFERRED = ("xml.etree.cElementTree",)


def import_msal() -> ModuleType:
    """``import msal``, with `DEFERRED` loaded only when used."""
    if "msal" not in sys.modules:
        for name in DEFERRED:
            _defer(name)
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
