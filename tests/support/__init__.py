"""Test helpers: databases per test, factories."""
