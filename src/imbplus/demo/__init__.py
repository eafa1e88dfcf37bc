"""Fictitious demo data (Faker, pl_PL)."""
