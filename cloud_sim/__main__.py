"""``python -m cloud_sim``: the same as the ``cloud-sim`` command."""

from __future__ import annotations

import sys

from cloud_sim.cli import main

sys.exit(main())
