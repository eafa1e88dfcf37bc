"""Backups, restore drills and restores (P11, P13)."""
