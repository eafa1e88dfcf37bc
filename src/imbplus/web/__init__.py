"""The ASGI application: JSON API, staff console, health."""
