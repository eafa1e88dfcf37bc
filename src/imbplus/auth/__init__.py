"""Authentication primitives shared by the staff console and the customer portal."""
