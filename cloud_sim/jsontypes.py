"""JSON as the tenant sends and stores it: tokens' claims, replies, the admin API, rows as dicts."""

from __future__ import annotations

from typing import Any

#: A JSON object. Its values are ``Any`` on purpose: the tenant builds them itself or checks
#: them where they are read (the admin API's arguments: ``cloud_sim.operations``).
JsonObject = dict[str, Any]
