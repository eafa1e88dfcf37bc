"""Billing (P03, P20): cards, payments through a provider adapter, invoices, credit."""
