"""Customers (subscribers): personal data encrypted under each customer's own data key."""
