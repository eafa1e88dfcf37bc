"""Surveys (P19): staff build surveys of typed questions; customers and visitors answer."""
