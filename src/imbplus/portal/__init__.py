"""The customer portal: subscriber accounts, login, and pages over the customer's own data."""
