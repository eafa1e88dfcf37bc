"""The routes anyone may call without a session or a token, and why each one is open.

Every other route of the application must be closed by its router's dependencies
(`imbplus.web.guards`); `tests/web/test_route_inventory.py` fails on a route that is open
without being listed here, and on a listed route that is no longer open.
"""

from __future__ import annotations

SITE = "public site page (P16, P17)"
STAFF_SIGN_IN = "staff login, password then second factor (pre-login CSRF cookie)"
PORTAL_SIGN_IN = "subscriber login (pre-login CSRF cookie)"
SIGN_UP = "registration, e-mail confirmation, password reset (pre-login CSRF cookie)"
SIGNED_FORM = "public form without a cookie: a signed, expiring form token (P12, P16)"
VISITOR_SURVEY = "anonymous survey for visitors (P19, pre-login CSRF cookie)"

PUBLIC: dict[tuple[str, str], str] = {
    # the application itself
    ("GET", "/healthz"): "liveness probe, no data",
    ("GET", "/api/v1/openapi.json"): "the API description",
    ("GET", "/static"): "stylesheets and images, no data",
    # the site
    ("GET", "/"): SITE,
    ("GET", "/offer"): SITE,
    ("GET", "/offer/{package}/channels"): "a package's channel list (the catalogue)",
    ("GET", "/help"): SITE,
    ("GET", "/cookies"): "the cookie register and the consent form (P18)",
    ("POST", "/cookies/consent"): SIGNED_FORM,
    ("GET", "/privacy"): "the privacy policy in force (P15)",
    ("GET", "/privacy/versions/{number}"): "an earlier or announced policy version (P22)",
    ("GET", "/privacy/versions/{number}/changes"): "what changed between two versions (P22)",
    ("GET", "/contact"): "privacy questions to the DPO (P23)",
    ("POST", "/contact"): SIGNED_FORM,
    ("GET", "/contact/sent"): "the reference of a question just sent (P23)",
    ("GET", "/feedback"): "comments and suggestions (P24)",
    ("POST", "/feedback"): SIGNED_FORM,
    ("GET", "/surveys/{survey_id}"): VISITOR_SURVEY,
    ("POST", "/surveys/{survey_id}"): VISITOR_SURVEY,
    ("GET", "/surveys/{survey_id}/thanks"): VISITOR_SURVEY,
    # signing in
    ("GET", "/console/login"): STAFF_SIGN_IN,
    ("POST", "/console/login"): STAFF_SIGN_IN,
    ("GET", "/console/login/totp"): STAFF_SIGN_IN,
    ("POST", "/console/login/totp"): STAFF_SIGN_IN,
    ("GET", "/portal/login"): PORTAL_SIGN_IN,
    ("POST", "/portal/login"): PORTAL_SIGN_IN,
    ("GET", "/portal/register"): SIGN_UP,
    ("POST", "/portal/register"): SIGN_UP,
    ("GET", "/portal/register/sent"): SIGN_UP,
    ("GET", "/portal/confirm"): SIGN_UP,
    ("POST", "/portal/confirm"): SIGN_UP,
    ("GET", "/portal/reset"): SIGN_UP,
    ("POST", "/portal/reset"): SIGN_UP,
    ("GET", "/portal/reset/sent"): SIGN_UP,
    ("GET", "/portal/reset/confirm"): SIGN_UP,
    ("POST", "/portal/reset/confirm"): SIGN_UP,
    ("GET", "/portal/email/confirm"): "a new login address confirmed from its link",
    ("POST", "/portal/email/confirm"): "a new login address confirmed from its link",
    ("GET", "/unsubscribe"): "objection to marketing from the link in a message (B01)",
    ("POST", "/unsubscribe"): SIGNED_FORM,
    # machines
    ("GET", "/api/v1/products"): "the shop's catalogue, no personal data",
    ("POST", "/api/v1/telemetry/events"): "boxes: the ingest checks the device token itself, "
    "from its own cache and off the event loop",
}
