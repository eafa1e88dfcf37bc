"""The privacy core: catalogue, gate, audit, encryption."""
