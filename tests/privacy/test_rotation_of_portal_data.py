"""P12: key rotation covers survey answers, queued e-mail and request-log addresses too."""

from __future__ import annotations

from sqlalchemy import select

from imbplus.clock import clock
from imbplus.notify.models import OutboxMessage
from imbplus.portal import mail
from imbplus.privacy.catalog import Purpose
from imbplus.privacy.crypto import key_ref
from imbplus.privacy.rotation import rotate
from imbplus.runtime import Runtime
from imbplus.surveys.models import Answer
from imbplus.traffic.models import FullRequest
from imbplus.traffic.writer import RequestLogWriter
from tests.support.factories import make_customer
from tests.support.stored import decrypted
from tests.support.surveys import answer_as, field_names, make_survey


def test_p12_rotation_reencrypts_portal_survey_and_request_log_values(rt: Runtime) -> None:
    customer = make_customer(rt)
    survey = make_survey(rt, [{"kind": "free_text", "prompt": "Uwagi"}])
    f = field_names(rt, survey.id)
    answer_as(rt, survey.id, {f["free_text"]: ["Świetna jakość"]}, customer.id)
    answer_as(rt, survey.id, {f["free_text"]: ["Gość zadowolony"]}, None)
    with rt.job("portal", Purpose.SERVICE_DELIVERY) as ctx:
        mail.send_to_customer(ctx, customer.id, "Temat", "Treść", reference="portal:test")
    writer = RequestLogWriter(rt)
    writer.record(clock.now_us(), "192.0.2.10", "GET", "/portal", 200, [])
    writer.flush()

    rotate(rt)

    with rt.sessions() as s:
        answers = s.execute(select(Answer)).scalars().all()
        assert {key_ref(a.text_ct)[1] for a in answers if a.text_ct} == {2}
        texts = {
            decrypted(rt, s, "survey_answers", "text_ct", str(a.id), a.text_ct)
            for a in answers
            if a.text_ct
        }
        assert texts == {"Świetna jakość", "Gość zadowolony"}
        message = s.execute(select(OutboxMessage)).scalar_one()
        assert message.body_ct and key_ref(message.body_ct)[1] == 2
        line = s.execute(select(FullRequest)).scalar_one()
        assert key_ref(line.ip_ct)[1] == 2
        assert decrypted(rt, s, "request_log_full", "ip_ct", line.id, line.ip_ct) == "192.0.2.10"
        assert line.ip_bidx == rt.keyring.blind_index(s, "request_log_full", "ip", "192.0.2.10")
