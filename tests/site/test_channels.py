"""One catalogue: the home page, the offer, the shop and the channel lists come from the
shop's products and the packages' line-ups, and the claims on the pages hold."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from imbplus.runtime import Runtime
from imbplus.shop import catalog, lineup
from imbplus.web import i18n
from tests.support.shop import setup_shop

PACKAGES = [p for p in catalog.DEFAULT_CATALOGUE if p[1] == "package"]


def _rows(page: str) -> list[str]:
    return page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


def test_the_home_page_claims_the_largest_package_s_channel_count(
    client: TestClient, rt: Runtime
) -> None:
    setup_shop(rt)
    largest = max(len(lineup.channels(p[0])) for p in PACKAGES)
    home = client.get("/").text
    assert f"{largest} kanałów w największym pakiecie" in home and "180 kanałów" not in home
    assert f"{largest} channels in the largest package" in client.get("/en/").text


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_descriptions_name_the_line_up_s_counts(lang: str) -> None:
    for pid, _kind, _name, description, _price in PACKAGES:
        text = i18n.data_text(lang, f"product.{pid}.description", description)
        channels = lineup.channels(pid)
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        assert numbers and numbers[0] == len(channels), (pid, text)
        if len(numbers) > 1:  # "60 kanałów, w tym 40 HD"
            assert numbers[1] == sum(c.hd for c in channels), (pid, text)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_package_has_a_public_channel_list(
    client: TestClient, rt: Runtime, prefix: str
) -> None:
    setup_shop(rt)
    offer = client.get(f"{prefix}/offer").text
    for pid, *_ in PACKAGES:
        assert f'href="{prefix}/offer/{pid}/channels"' in offer
        page = client.get(f"{prefix}/offer/{pid}/channels")
        assert page.status_code == 200
        assert len(_rows(page.text)) == len(lineup.channels(pid))
    assert "Kanały" in client.get(f"/offer/{PACKAGES[0][0]}/channels").text


def test_a_channel_list_is_shown_before_the_shop_has_products(client: TestClient) -> None:
    page = client.get("/offer/pkg-start/channels")  # the default catalogue, as a preview
    assert page.status_code == 200 and "Oferta poglądowa" in page.text


@pytest.mark.parametrize("package", ["stb-4k-x2", "nope", "PKG-START", "a" * 65, "%00", ".."])
def test_anything_but_a_package_is_not_found(client: TestClient, rt: Runtime, package: str) -> None:
    setup_shop(rt)
    answer = client.get(f"/offer/{package}/channels")
    assert answer.status_code in (404, 422) and "<html" in answer.text
