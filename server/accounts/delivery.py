"""How a sign-in code reaches the citizen's phone: a pluggable channel chosen by OTP_CHANNEL.

`log` (the embedded default) writes the code to the server log, for development and for a
single-machine pilot where staff read it out; `webhook` POSTs it to an SMS / WhatsApp
gateway with an HMAC signature of the body made with a shared secret.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from sync.rules import mask_phone

log = logging.getLogger("sekali_datang.otp")


class DeliveryError(Exception):
    pass


class Channel(Protocol):
    def send(self, phone: str, code: str, message: str) -> None: ...


class LogChannel:
    def send(self, phone: str, code: str, message: str) -> None:
        # The phone is masked like everywhere in the logs; the code is what this channel is for.
        log.warning("OTP for %s: %s", mask_phone(phone), code)


class WebhookChannel:
    def __init__(self, url: str, secret: str, timeout: float = 10.0):
        if not url or not secret:
            raise ValueError("the webhook channel needs OTP_WEBHOOK_URL and OTP_WEBHOOK_SECRET")
        self.url, self.secret, self.timeout = url, secret.encode(), timeout

    def send(self, phone: str, code: str, message: str) -> None:
        body = json.dumps({"to": phone, "code": code, "message": message}).encode()
        signature = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        req = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "X-Sekali-Datang-Signature": f"sha256={signature}",
        })
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
                if response.status >= 300:
                    raise DeliveryError(f"gateway answered {response.status}")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(str(exc)) from exc


def channel_from_config(config) -> Channel:
    name = config.get("OTP_CHANNEL", "log")
    if name == "log":
        return LogChannel()
    if name == "webhook":
        return WebhookChannel(config.get("OTP_WEBHOOK_URL"), config.get("OTP_WEBHOOK_SECRET"))
    raise ValueError(f"unknown OTP_CHANNEL {name!r}: use log or webhook")
