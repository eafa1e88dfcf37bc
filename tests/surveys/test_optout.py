"""P19: a customer opts out of surveys once, for good; every invitation path honours it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from imbplus.clock import clock
from imbplus.notify.models import OutboxMessage
from imbplus.portal import mail
from imbplus.privacy.catalog import Purpose
from imbplus.runtime import Runtime
from imbplus.surveys import invitations
from imbplus.surveys.models import Invitation, OptOut
from tests.portal.test_pages import portal_login
from tests.staff.test_console import csrf_of
from tests.support.cli import imbplus
from tests.support.factories import make_subscriber
from tests.support.smtp import Mailbox
from tests.support.surveys import make_survey


def opt_out_in_portal(client: TestClient, email: str) -> None:
    portal_login(client, email)
    page = client.get("/portal/surveys")
    done = client.post(
        "/portal/surveys/opt-out",
        data={"confirm": "yes", "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/portal/surveys?done=opted_out"
    client.cookies.clear()


def invite(rt: Runtime, survey_id: str, channel: str) -> invitations.InviteReport:
    with rt.job("surveys", Purpose.MARKET_RESEARCH) as ctx:
        return invitations.invite(ctx, survey_id, channel)


def test_p19_opted_out_customer_is_never_invited(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    stays, leaves = make_subscriber(rt), make_subscriber(rt)
    opt_out_in_portal(client, leaves.email)
    survey = make_survey(rt, audience="customers")
    assert invite(rt, survey.id, "portal").invited == 1
    assert invite(rt, survey.id, "email").invited == 1
    assert mail.deliver_due(rt).sent == 1
    assert len(smtp.to(stays.email)) == 1 and smtp.to(leaves.email) == []
    with rt.sessions() as s:
        invited = set(s.execute(select(Invitation.customer_id)).scalars())
        queued = set(s.execute(select(OutboxMessage.customer_id)).scalars())
    assert invited == {stays.id} and queued == {stays.id}
    # the portal shows the invitation to one and not the other
    portal_login(client, stays.email)
    assert "Mamy dla Ciebie ankietę" in client.get("/portal").text
    client.cookies.clear()
    portal_login(client, leaves.email)
    assert "Mamy dla Ciebie ankietę" not in client.get("/portal").text
    mine = client.get("/portal/surveys")
    assert 'id="opted-out"' in mine.text and "Zrezygnuj z ankiet" not in mine.text
    direct = client.get(f"/portal/surveys/{survey.id}")
    assert direct.status_code == 403 and "Zrezygnowałeś" in direct.text


def test_p19_opting_out_withdraws_invitations_on_their_way(
    client: TestClient, rt: Runtime, smtp: Mailbox
) -> None:
    me = make_subscriber(rt)
    survey = make_survey(rt, audience="customers")
    invite(rt, survey.id, "email")
    invite(rt, survey.id, "portal")
    opt_out_in_portal(client, me.email)
    with rt.sessions() as s:
        assert s.execute(select(OutboxMessage.status)).scalar_one() == "cancelled"
        assert s.execute(select(Invitation)).first() is None
    assert mail.deliver_due(rt).sent == 0 and smtp.messages == []


def test_p19_an_invitation_queued_by_a_concurrent_run_is_not_delivered(
    rt: Runtime, smtp: Mailbox
) -> None:
    me = make_subscriber(rt)
    survey = make_survey(rt, audience="customers")
    invite(rt, survey.id, "email")
    # another transaction records the opt-out without seeing the queued message
    with rt.unit_of_work() as s:
        s.add(OptOut(customer_id=me.id, opted_out_at=clock.now()))
    report = mail.deliver_due(rt)
    assert (report.sent, report.cancelled) == (0, 1)
    assert smtp.messages == []


def test_opt_out_needs_a_confirmation_and_is_for_good(client: TestClient, rt: Runtime) -> None:
    me = make_subscriber(rt)
    portal_login(client, me.email)
    page = client.get("/portal/surveys")
    unconfirmed = client.post("/portal/surveys/opt-out", data={"csrf": csrf_of(page)})
    assert unconfirmed.status_code == 422 and "Zaznacz potwierdzenie" in unconfirmed.text
    forged = client.post("/portal/surveys/opt-out", data={"confirm": "yes", "csrf": "forged"})
    assert forged.status_code == 403
    with rt.sessions() as s:
        assert s.get(OptOut, me.id) is None
    client.post("/portal/surveys/opt-out", data={"confirm": "yes", "csrf": csrf_of(page)})
    with rt.sessions() as s:
        first = s.get(OptOut, me.id)
        assert first is not None
        when = first.opted_out_at
    clock.advance(3600)
    client.post("/portal/surveys/opt-out", data={"confirm": "yes", "csrf": csrf_of(page)})
    with rt.sessions() as s:
        again = s.get(OptOut, me.id)
        assert again is not None and again.opted_out_at == when


def test_p19_bulk_invite_from_the_command_line_skips_opted_out(
    client: TestClient, rt: Runtime
) -> None:
    stays, leaves = make_subscriber(rt), make_subscriber(rt)
    opt_out_in_portal(client, leaves.email)
    survey = make_survey(rt, audience="customers")
    done = imbplus(rt.settings, "surveys", "invite", survey.id, "--channel", "email")
    assert done.returncode == 0, done.stderr
    assert "invited 1" in done.stdout
    with rt.sessions() as s:
        queued = set(s.execute(select(OutboxMessage.customer_id)).scalars())
    assert queued == {stays.id}
    unknown = imbplus(rt.settings, "surveys", "invite", "nope", "--channel", "email")
    assert unknown.returncode == 2 and "no survey with this id" in unknown.stderr


def test_invitations_go_out_for_market_research_only(rt: Runtime) -> None:
    import pytest

    from imbplus.errors import PurposeRequired

    make_subscriber(rt)
    survey = make_survey(rt, audience="customers")
    with rt.job("surveys", Purpose.MARKETING) as ctx, pytest.raises(PurposeRequired):
        invitations.invite(ctx, survey.id, "email")
    with rt.sessions() as s:
        assert s.execute(select(OutboxMessage)).first() is None
