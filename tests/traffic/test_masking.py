"""P21: what the request log keeps: masked networks, route shapes, referrer domains."""

from __future__ import annotations

import pytest

from imbplus.traffic.masking import literal_segments, mask_ip, referrer_domain, route_of


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("10.1.2.255", "10.1.2.0/24"),
        ("2001:db8:abcd:12:1::7", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("::1", "::/48"),
        ("testclient", "unknown"),
        ("", "unknown"),
    ],
)
def test_p21_addresses_are_masked_to_their_network(address: str, network: str) -> None:
    assert mask_ip(address) == network


def test_routes_lose_ids_tokens_and_unknown_paths() -> None:
    uuid = "6f1c7f0e-3b8e-4c2a-9d7e-0a1b2c3d4e5f"
    assert route_of(f"/portal/surveys/{uuid}", 200) == ("pl", "/portal/surveys/{id}")
    assert route_of(f"/en/surveys/{uuid}/thanks", 200) == ("en", "/surveys/{id}/thanks")
    assert route_of("/console/surveys/x/questions/42/delete", 303)[1] == (
        "/console/surveys/x/questions/{id}/delete"
    )
    assert route_of("/en", 200) == ("en", "/")
    assert route_of("/wp-admin/jan.kowalski@example.pl", 404) == ("pl", "(not found)")


def test_p05_a_value_typed_into_a_known_route_is_not_kept() -> None:
    """Answers other than 404 keep the route's shape: with the application's own words known,
    an e-mail or a name in a path becomes {id} (it once stayed in the log for 13 months)."""
    known = literal_segments(["/api/v1/customers/{customer_id}", "/portal/surveys/{survey_id}"])
    assert route_of("/api/v1/customers/jan.kowalski@example.pl", 401, known) == (
        "pl",
        "/api/v1/customers/{id}",
    )
    assert route_of("/en/portal/surveys/Kowalski", 303, known) == ("en", "/portal/surveys/{id}")


def test_referrer_keeps_the_external_domain_only() -> None:
    assert referrer_domain("https://www.google.com/search?q=imb+tv", "imb.example") == "google.com"
    assert referrer_domain("https://imb.example/portal", "imb.example") is None
    assert referrer_domain("http://127.0.0.1:8000/x", "127.0.0.1:8000") is None
    assert referrer_domain("android-app://com.example", "imb.example") is None
    assert referrer_domain("not a url", "imb.example") is None
    assert referrer_domain(None, "imb.example") is None
