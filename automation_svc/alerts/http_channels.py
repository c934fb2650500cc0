"""The two ways out over HTTP(S): a signed JSON webhook and Telegram's Bot API. Each POST goes to
a checked, pinned address without redirects and within one deadline (http_delivery.py)."""
from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlsplit

from devicecloud.settings import Settings

from .channels import _NAMES, Channel, DeliveryError, EmailChannel, Source
from .http_delivery import PostError, post
from .messages import Message


def _refused(status: int) -> bool:
    """An HTTP 4xx other than 408 (timeout) and 429 (slow down): this request will not be taken."""
    return 400 <= status < 500 and status not in (408, 429)


class WebhookChannel:
    name = "webhook"

    def __init__(self, settings: Settings, source: Source = "env") -> None:
        self.source = source
        self.url = settings.alert_webhook_url.get_secret_value() if settings.alert_webhook_url else ""
        secret = settings.alert_webhook_secret.get_secret_value() if settings.alert_webhook_secret else ""
        self._secret = secret.encode()
        self.alias = settings.device_alias
        self.public_url = settings.public_url
        self.timeout = settings.notify_timeout_s

    @property
    def configured(self) -> bool:
        return bool(self.url)

    @property
    def secret_set(self) -> bool:
        return bool(self._secret)

    def missing(self) -> str:
        return "the webhook is not configured: set it up on the Alerts page (or set XO2_ALERT_WEBHOOK_URL)"

    def describe(self) -> str:
        if not self.configured:
            return ""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/… ({'signed' if self._secret else 'unsigned'})"

    def body(self, msg: Message) -> bytes:
        # `text` too, so Slack/Teams/Mattermost incoming webhooks show something readable.
        doc = {"event": msg.event, "deviceId": self.alias, "alert": msg.alert,
               "text": f"{msg.subject}\n{msg.text}", "url": f"{self.public_url}/alerts"}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()

    def signature(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def send(self, msg: Message, deadline_s: float | None = None) -> None:
        body = self.body(msg)
        headers = {"Content-Type": "application/json", "User-Agent": "XtraO2-Console"}
        if msg.delivery_id:
            # The same on a redelivery of the same outbox item: a receiver can drop the repeat.
            headers["X-XO2-Delivery"] = msg.delivery_id
        if self._secret:
            headers["X-XO2-Signature"] = self.signature(body)
        try:
            resp = post(self.url, body, headers, what="the webhook", read_timeout_s=self.timeout,
                        deadline_s=min(deadline_s or self.timeout, self.timeout))
        except PostError as exc:
            raise DeliveryError(str(exc)) from None
        if not 200 <= resp.status < 300:
            raise DeliveryError(f"the webhook answered HTTP {resp.status} {resp.reason}".rstrip(),
                                permanent=_refused(resp.status))


class TelegramChannel:
    name = "telegram"

    def __init__(self, settings: Settings, source: Source = "env") -> None:
        self.source = source
        self.names = _NAMES[source]
        self._token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
        self.chat_id = settings.telegram_chat_id
        self.api_url = settings.telegram_api_url
        self.timeout = settings.notify_timeout_s

    @property
    def configured(self) -> bool:
        return bool(self._token and self.chat_id)

    @property
    def token_set(self) -> bool:
        return bool(self._token)

    def missing(self) -> str:
        return ("Telegram is not configured: set it up on the Alerts page (or set XO2_TELEGRAM_BOT_TOKEN "
                "and XO2_TELEGRAM_CHAT_ID)")

    def describe(self) -> str:
        return f"chat {self.chat_id} via {urlsplit(self.api_url).hostname}" if self.configured else ""

    def send(self, msg: Message, deadline_s: float | None = None) -> None:
        body = json.dumps({"chat_id": self.chat_id, "text": f"{msg.subject}\n\n{msg.text}",
                           "disable_web_page_preview": True}).encode()
        try:
            resp = post(f"{self.api_url}/bot{self._token}/sendMessage", body,
                        {"Content-Type": "application/json", "User-Agent": "XtraO2-Console"},
                        what="Telegram", read_timeout_s=self.timeout,
                        deadline_s=min(deadline_s or self.timeout, self.timeout))
        except PostError as exc:
            raise DeliveryError(str(exc).replace(self._token, "…") if self._token else str(exc)) from None
        try:
            doc = json.loads(resp.body)
        except ValueError:
            doc = {}
        if resp.status == 200 and isinstance(doc, dict) and doc.get("ok") is True:
            return
        said = doc.get("description") if isinstance(doc, dict) else None
        said = str(said).replace(self._token, "…") if said else f"HTTP {resp.status}"
        n = self.names
        hint = {401: f" (check {n['token']})", 404: f" (check {n['token']})",
                400: f" (check {n['chat_id']}; the bot must be in that chat)",
                403: " (the bot was blocked or removed from the chat)"}.get(resp.status, "")
        # 401/404: the token is wrong, nothing in this message: held until the token is fixed.
        raise DeliveryError(f"Telegram refused the message: {said}{hint}",
                            permanent=_refused(resp.status) and resp.status not in (401, 404))


def build_channels(settings: Settings) -> dict[str, Channel]:
    return {c.name: c for c in (EmailChannel(settings), WebhookChannel(settings), TelegramChannel(settings))}
