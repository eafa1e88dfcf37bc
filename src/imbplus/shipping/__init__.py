"""Shipments (P08, P09, P10): records sealed on completion, amendments, labels."""
