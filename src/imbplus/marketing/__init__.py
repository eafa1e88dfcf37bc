"""Marketing of IMB+'s other services (P03), only to customers who did not object (B01)."""
