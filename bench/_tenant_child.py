"""A simulated tenant in a process of its own, for a bench (as panel-tui runs its embedded one).

Prints one JSON line (where it serves, its CA, the default accounts' names and passwords) and
serves until its stdin ends. ``python bench/_tenant_child.py STATE_DIR``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    from cloud_sim import start_tenant

    h = start_tenant(Path(sys.argv[1]), device_code_interval=1)
    try:
        print(json.dumps({
            "base_url": h.base_url, "smtp_host": h.smtp_host, "smtp_port": h.smtp_port,
            "ca_cert_path": str(h.ca_cert_path), "client_id": h.client_id,
            "accounts": [[a.username, a.password] for a in h.accounts],
        }), flush=True)
        sys.stdin.read()  # until the bench closes the pipe (or ends)
    finally:
        h.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
