"""Scan on the panel: Scan to Email. The Home Scan tile opens ``ScanScreen``."""
