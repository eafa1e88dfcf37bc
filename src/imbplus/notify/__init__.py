"""Notifications (P08): an outbox of e-mail and SMS messages, sent by a retrying worker."""
