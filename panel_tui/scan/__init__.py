"""Scan on the panel: Scan to Email (issue 4). The Home Scan tile opens ``ScanScreen``."""
