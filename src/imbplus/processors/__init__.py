"""Processor registry (P04): contracted companies, their scope and validity."""
