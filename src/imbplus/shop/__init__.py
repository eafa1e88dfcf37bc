"""The shop (P03, P20): product catalogue, orders and subscriptions."""
