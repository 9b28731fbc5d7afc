"""JSON as the device keeps and receives it: state files, catalogs, msal's replies."""

from __future__ import annotations

from typing import Any

#: A JSON object. Its values are ``Any`` on purpose: they are checked where they are read
#: (``storage.read_state``'s parsers, msal's documented reply fields), not by the type.
JsonObject = dict[str, Any]
