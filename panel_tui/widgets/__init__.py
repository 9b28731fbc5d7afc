"""Widgets shared by the panel's screens."""
