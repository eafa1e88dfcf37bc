"""Employees: accounts, roles, API tokens, console login with optional TOTP."""
