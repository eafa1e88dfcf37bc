"""IP addresses (P21): the request log, abuse limits, traffic statistics and retention."""
