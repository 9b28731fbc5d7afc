"""The email package's modern policy, loaded only when something reads from it.

``email.policy`` (with ``email.headerregistry``, ``email._header_value_parser`` and
``email.contentmanager``: ~0.55 MiB) is the policy of ``EmailMessage``. The device builds its
messages with compat32 (``email.mime``, given compat32) and sends bytes (``aiosmtplib``'s
``sendmail``), yet both ``email.mime.base`` and ``aiosmtplib`` import it at start, for
``EmailMessage``s the printer never makes. It is put in ``sys.modules`` as a module that runs
its code the first time a name is read from it (reading a mailbox's message whole in F4 does):
then it is the same module object, complete, as if imported.

Not ``importlib.util.LazyLoader`` (as `msal_import` uses for msal's XML parser): its module
loads on any attribute, and ``import email.policy`` itself reads ``__spec__``.
"""

from __future__ import annotations

import importlib.util
import sys
import threading

#: what ``email.mime.base`` and ``aiosmtplib`` import at start and only ``EmailMessage`` uses,
#: with the classes read at import (``aiosmtplib.email``'s annotations): until the module runs,
#: each is a class of its own that nothing is an instance of (none of the real one can exist yet)
#: one module runs at a time: a second thread's first read waits for it to finish, instead of
#: finding the module half run (``__getattr__`` gone, its names not defined yet); re-entrant, as
#: email.policy's code imports email.headerregistry, which may be deferred too
_RUN_LOCK = threading.RLock()

DEFERRED: dict[str, tuple[str, ...]] = {"email.headerregistry": ("AddressHeader",), "email.policy": ()}


def defer_email_policy() -> None:
    """Register `DEFERRED` as modules run when first read from, unless they are loaded."""
    for name, placeholders in DEFERRED.items():
        _defer_until_read(name, placeholders)


def _defer_until_read(name: str, placeholders: tuple[str, ...] = ()) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)  # its __spec__, __file__...: the import system's
    loader = spec.loader

    def first_read(attr: str) -> object:
        """A name not defined yet: run the module's code (once), then give the name."""
        if attr == "__path__":  # the import system asking whether it is a package: it is not
            raise AttributeError(attr)
        with _RUN_LOCK:  # another thread reading meanwhile waits for the whole module
            if module.__dict__.get("__getattr__") is first_read:
                try:
                    loader.exec_module(module)
                except BaseException:
                    sys.modules.pop(name, None)  # as a failed import leaves it: not imported
                    raise
                finally:
                    module.__dict__.pop("__getattr__", None)
        return getattr(module, attr)

    for placeholder in placeholders:  # replaced by the real class when the module runs
        setattr(module, placeholder, type(placeholder, (), {"__module__": name}))
    module.__getattr__ = first_read  # type: ignore[method-assign]
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)  # as the import system does for a submodule
