"""The three ways out: email (SMTP), a signed JSON webhook, Telegram's Bot API.

Each channel's send() delivers one Message or raises DeliveryError with a reason an operator
can act on ("the mail server refused the user name or password"), never a secret, a token
or a webhook path (Slack-style webhook URLs are secrets themselves).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal, Protocol
from urllib.parse import urlsplit

from devicecloud.settings import Settings

from .deadline import Watchdog
from .http_delivery import PostError, net_reason, post
from .messages import Message


class DeliveryError(Exception):
    """Why a message did not get through, in words (safe to show, log and store)."""


class Channel(Protocol):
    name: str

    @property
    def configured(self) -> bool: ...

    def describe(self) -> str:
        """Where messages go, without secrets (shown on GET /notify)."""

    def missing(self) -> str:
        """What to set when not configured."""

    def send(self, msg: Message, deadline_s: float | None = None) -> None:
        """Deliver within min(deadline_s, XO2_NOTIFY_TIMEOUT_S) as a whole, or raise DeliveryError."""


Source = Literal["env", "console"]
# What to tell a person to check, by where the channel's settings come from.
_NAMES: dict[str, dict[str, str]] = {
    "env": {"user": "XO2_SMTP_USER", "password": "XO2_SMTP_PASSWORD", "from": "XO2_SMTP_FROM",
            "to": "XO2_ALERT_EMAIL_TO", "security": "XO2_SMTP_SECURITY", "port": "XO2_SMTP_PORT",
            "token": "XO2_TELEGRAM_BOT_TOKEN", "chat_id": "XO2_TELEGRAM_CHAT_ID"},
    "console": {"user": "the user name", "password": "the password", "from": "the sender address",
                "to": "the recipients", "security": "the security setting", "port": "the port",
                "token": "the bot token", "chat_id": "the chat id"},
}


def _security_hint(names: dict[str, str]) -> str:
    sec = names["security"]
    return f"{sec}=ssl (usually port 465) or none" if sec.startswith("XO2_") else \
        "the security setting to ssl (usually port 465) or none"


class _SMTP(smtplib.SMTP):
    """smtplib with every connection under the delivery's watchdog; `tls` wraps the connection
    from the first byte (port-465 style). Made without a host so nothing connects before the
    watchdog is in place."""

    def __init__(self, watchdog: Watchdog, tls: ssl.SSLContext | None, timeout: float) -> None:
        self._watchdog, self._tls = watchdog, tls
        super().__init__(timeout=timeout)

    def connect(self, host: str = "localhost", port: int = 0, source_address=None):
        self._host = host            # starttls() verifies the certificate against it
        return super().connect(host, port, source_address)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = socket.create_connection((host, port), timeout, self.source_address)
        self._watchdog.watch(sock)
        return self._tls.wrap_socket(sock, server_hostname=host) if self._tls else sock


class EmailChannel:
    name = "email"

    def __init__(self, settings: Settings, ssl_context: ssl.SSLContext | None = None,
                 source: Source = "env") -> None:
        self.source = source
        self.names = _NAMES[source]
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.security = settings.smtp_security
        self.user = settings.smtp_user
        self._password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        self.to = [a.strip() for a in (settings.alert_email_to or "").split(",") if a.strip()]
        self.from_setting = settings.smtp_from
        self.sender = settings.smtp_from or (self.user if self.user and "@" in self.user else
                                            f"xtrao2-console@{self.host or 'localhost'}")
        self.timeout = settings.notify_timeout_s      # the whole delivery, and each read
        # Tests pass a context that trusts their own certificate; production verifies normally.
        self.context = ssl_context or ssl.create_default_context()

    @property
    def configured(self) -> bool:
        return bool(self.host and self.to)

    @property
    def password_set(self) -> bool:
        return bool(self._password)

    def missing(self) -> str:
        return ("email is not configured: set it up on the Alerts page (or set XO2_SMTP_HOST and "
                "XO2_ALERT_EMAIL_TO)")

    def describe(self) -> str:
        return f"{self.host}:{self.port} ({self.security}) to {', '.join(self.to)}" if self.configured else ""

    def compose(self, msg: Message) -> EmailMessage:
        em = EmailMessage()
        em["Subject"] = msg.subject
        em["From"] = self.sender
        em["To"] = ", ".join(msg.to or self.to)
        em["Date"] = formatdate(localtime=False)
        em["Message-ID"] = make_msgid(domain="xtrao2.console")
        if msg.delivery_id:
            em["X-XO2-Delivery"] = msg.delivery_id
        em.set_content(msg.text)
        if msg.html:
            em.add_alternative(msg.html, subtype="html")
        for a in msg.attachments:         # text attachments (the report's CSV), declared UTF-8
            em.add_attachment(a.content, subtype=a.mime.partition("/")[2], charset="utf-8", filename=a.filename)
        return em

    def send(self, msg: Message, deadline_s: float | None = None) -> None:
        em = self.compose(msg)
        where = f"the mail server {self.host}:{self.port}"
        n = self.names
        watchdog = Watchdog(min(deadline_s or self.timeout, self.timeout), where)
        try:
            with watchdog, _SMTP(watchdog, self.context if self.security == "ssl" else None, self.timeout) as smtp:
                smtp.connect(self.host, self.port)
                if self.security == "starttls":
                    smtp.starttls(context=self.context)
                if self.user:
                    smtp.login(self.user, self._password)
                smtp.send_message(em)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"{where} refused the user name or password ({n['user']} / "
                                f"{n['password']}): {exc.smtp_code} {_text(exc.smtp_error)}") from None
        except smtplib.SMTPNotSupportedError as exc:
            if "STARTTLS" in str(exc):
                raise DeliveryError(f"{where} does not offer STARTTLS: set {_security_hint(n)}") from None
            raise DeliveryError(f"{where} does not offer login (AUTH) on this connection: "
                                f"use starttls or ssl ({n['security']}), or leave {n['user']} empty") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"{where} refused the recipients {', '.join(exc.recipients)} "
                                f"({n['to']})") from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(f"{where} refused the sender address {exc.sender} ({n['from']}): "
                                f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}") from None
        except OSError as exc:       # SMTPServerDisconnected and the other SMTPExceptions included
            if watchdog.fired:
                raise DeliveryError(watchdog.reason()) from None
            if isinstance(exc, smtplib.SMTPServerDisconnected):
                raise DeliveryError(f"{where} closed the connection (with ssl on a STARTTLS port, or the "
                                    f"other way round, check {n['security']} and {n['port']})") from None
            if isinstance(exc, smtplib.SMTPException):
                raise DeliveryError(f"{where}: {exc}") from None
            reason = net_reason(exc, where, self.timeout)
            if isinstance(exc, ssl.SSLError) and not isinstance(exc, ssl.SSLCertVerificationError):
                reason += f"; check {n['security']}: port 465 is usually ssl, 587 starttls"
            raise DeliveryError(reason) from None


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


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
            raise DeliveryError(f"the webhook answered HTTP {resp.status} {resp.reason}".rstrip())


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
        raise DeliveryError(f"Telegram refused the message: {said}{hint}")


def build_channels(settings: Settings) -> dict[str, Channel]:
    return {c.name: c for c in (EmailChannel(settings), WebhookChannel(settings), TelegramChannel(settings))}
