"""SMS through SMSAPI.pl's REST API (`IMBPLUS_SMS_ADAPTER=smsapi`).

One `POST <IMBPLUS_SMSAPI_URL>/sms.do` per message with the account's OAuth token as a
bearer token and the form fields `to`, `message`, `from`, `encoding=utf-8`, `format=json`.
The gateway answers `{"count": 1, "list": [{"id": ..., "status": ...}]}`, or
`{"error": <code>, "message": ...}` when it refuses (sometimes with HTTP 200). The id is the
hand-over reference the outbox records.

Every failure raises `SendFailed` with a kind that names neither the number nor the text
(the gateway's own error message may quote the number, so only its code is kept) and the
outbox retries with its backoff: no retries here. The token is never logged.
"""

from __future__ import annotations

from typing import Any

import httpx

from imbplus.errors import ConfigurationError
from imbplus.notify.senders import SendFailed
from imbplus.settings import Settings


class SmsApiSender:
    sandbox = False

    def __init__(self, url: str, token: str, sender: str, timeout_s: float) -> None:
        self.endpoint = url.rstrip("/") + "/sms.do"
        self._token = token
        self.sender = sender
        self.timeout_s = timeout_s

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsApiSender:
        token = settings.smsapi_token.get_secret_value() if settings.smsapi_token else ""
        if not token.strip():
            raise ConfigurationError(
                "the SMSAPI.pl adapter needs the account's token in IMBPLUS_SMSAPI_TOKEN",
                setting="IMBPLUS_SMSAPI_TOKEN",
            )
        return cls(settings.smsapi_url, token, settings.smsapi_sender, settings.smsapi_timeout_s)

    def __repr__(self) -> str:  # never the token in a log line or traceback
        return f"SmsApiSender({self.endpoint})"

    def send(self, to: str, text: str) -> str:
        form = {
            "to": "".join(ch for ch in to if ch.isdigit()),
            "message": text,
            "from": self.sender,
            "encoding": "utf-8",
            "format": "json",
        }
        try:
            answer = httpx.post(
                self.endpoint,
                data=form,
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=self.timeout_s,
            )
        except httpx.TimeoutException:
            raise SendFailed("sms: gateway timeout") from None
        except httpx.HTTPError as exc:
            raise SendFailed(f"sms: {type(exc).__name__}") from None
        return _message_id(answer)


def _message_id(answer: httpx.Response) -> str:
    if answer.status_code >= 500:
        raise SendFailed(f"sms: gateway HTTP {answer.status_code}")
    try:
        body: Any = answer.json()
    except ValueError:
        raise SendFailed(f"sms: unreadable gateway answer (HTTP {answer.status_code})") from None
    if isinstance(body, dict) and body.get("error") is not None:
        code = str(body["error"]).strip()
        code = code[:12] if code.isdigit() else "?"  # a code, never a quoted value
        raise SendFailed(f"sms: gateway error {code} (HTTP {answer.status_code})")
    if answer.status_code >= 300:
        raise SendFailed(f"sms: gateway HTTP {answer.status_code}")
    listed = body.get("list") if isinstance(body, dict) else None
    first = listed[0] if isinstance(listed, list) and listed else None
    message_id = first.get("id") if isinstance(first, dict) else None
    if not isinstance(message_id, str | int) or not str(message_id).strip():
        raise SendFailed("sms: no message id in the gateway answer")
    return str(message_id)[:100]
