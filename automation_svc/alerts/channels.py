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
from typing import Protocol
from urllib.parse import urlsplit

import requests

from devicecloud.settings import Settings

from .messages import Message


class DeliveryError(Exception):
    """Why a message did not get through, in words (safe to show, log and store). `permanent`:
    not the network but the message or what it is sent to (a refused recipient, a webhook's 4xx);
    trying again would fail again, so the outbox sets it aside as a dead letter."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Channel(Protocol):
    name: str

    @property
    def configured(self) -> bool: ...

    def describe(self) -> str:
        """Where messages go, without secrets (shown on GET /notify)."""

    def missing(self) -> str:
        """What to set when not configured."""

    def send(self, msg: Message) -> None: ...


def _net_reason(exc: BaseException, where: str, timeout: float) -> str:
    """Words for the network failures SMTP and HTTP share."""
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {where}: nothing is listening there (check the host and port)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no answer from {where} within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return f"cannot find {where}: the host name does not resolve"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS failed with {where}: its certificate is not trusted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed with {where} ({exc.reason or exc})"
    if isinstance(exc, OSError):
        return f"network error with {where}: {exc.strerror or exc}"
    return f"{type(exc).__name__} with {where}"


class EmailChannel:
    name = "email"

    def __init__(self, settings: Settings, ssl_context: ssl.SSLContext | None = None) -> None:
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.security = settings.smtp_security
        self.user = settings.smtp_user
        self._password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        self.to = [a.strip() for a in (settings.alert_email_to or "").split(",") if a.strip()]
        self.sender = settings.smtp_from or (self.user if self.user and "@" in self.user else
                                            f"xtrao2-console@{self.host or 'localhost'}")
        self.timeout = settings.notify_timeout_s
        # Tests pass a context that trusts their own certificate; production verifies normally.
        self.context = ssl_context or ssl.create_default_context()

    @property
    def configured(self) -> bool:
        return bool(self.host and self.to)

    def missing(self) -> str:
        return "email is not configured: set XO2_SMTP_HOST and XO2_ALERT_EMAIL_TO"

    def describe(self) -> str:
        return f"{self.host}:{self.port} ({self.security}) to {', '.join(self.to)}" if self.configured else ""

    def send(self, msg: Message) -> None:
        em = EmailMessage()
        em["Subject"] = msg.subject
        em["From"] = self.sender
        em["To"] = ", ".join(self.to)
        em["Date"] = formatdate(localtime=False)
        em["Message-ID"] = make_msgid(domain="xtrao2.console")
        em.set_content(msg.text)
        where = f"the mail server {self.host}:{self.port}"
        try:
            if self.security == "ssl":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.security == "starttls":
                    smtp.starttls(context=self.context)
                if self.user:
                    smtp.login(self.user, self._password)
                smtp.send_message(em)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"{where} refused the user name or password (XO2_SMTP_USER / "
                                f"XO2_SMTP_PASSWORD): {exc.smtp_code} {_text(exc.smtp_error)}") from None
        except smtplib.SMTPNotSupportedError as exc:
            if "STARTTLS" in str(exc):
                raise DeliveryError(f"{where} does not offer STARTTLS: set XO2_SMTP_SECURITY=ssl "
                                    "(usually port 465) or none") from None
            raise DeliveryError(f"{where} does not offer login (AUTH) on this connection: "
                                "use XO2_SMTP_SECURITY=starttls or ssl, or unset XO2_SMTP_USER") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"{where} refused the recipients {', '.join(exc.recipients)} "
                                "(XO2_ALERT_EMAIL_TO)", permanent=_refused_for_good(exc)) from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(f"{where} refused the sender address {exc.sender} (XO2_SMTP_FROM): "
                                f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPServerDisconnected:
            raise DeliveryError(f"{where} closed the connection (with ssl on a STARTTLS port, or the "
                                "other way round, check XO2_SMTP_SECURITY and XO2_SMTP_PORT)") from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}",
                                permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPException as exc:
            raise DeliveryError(f"{where}: {exc}") from None
        except ssl.SSLError as exc:
            reason = _net_reason(exc, where, self.timeout)
            if not isinstance(exc, ssl.SSLCertVerificationError):
                reason += "; check XO2_SMTP_SECURITY: port 465 is usually ssl, 587 starttls"
            raise DeliveryError(reason) from None
        except OSError as exc:
            raise DeliveryError(_net_reason(exc, where, self.timeout)) from None


def _refused_for_good(exc: smtplib.SMTPRecipientsRefused) -> bool:
    """5xx for every recipient: the server will not take them (4xx: try again later)."""
    codes = [v[0] for v in exc.recipients.values() if isinstance(v, tuple) and v]
    return bool(codes) and all(isinstance(c, int) and c >= 500 for c in codes)


def _refused(status: int) -> bool:
    """An HTTP 4xx other than 408 (timeout) and 429 (slow down): this request will not be taken."""
    return 400 <= status < 500 and status not in (408, 429)


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _post(url: str, what: str, timeout: float, **kwargs) -> requests.Response:
    """POST without following redirects; failures in words naming the host only."""
    parts = urlsplit(url)
    where = f"{what} {parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    try:
        return requests.post(url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.exceptions.SSLError as exc:
        cause = _root(exc)
        raise DeliveryError(_net_reason(cause, where, timeout) if isinstance(cause, ssl.SSLError)
                            else f"TLS failed with {where}") from None
    except requests.exceptions.Timeout:
        raise DeliveryError(f"no answer from {where} within {timeout:g} s") from None
    except requests.exceptions.RequestException as exc:
        cause = _root(exc)
        text = str(cause).lower()
        if isinstance(cause, ConnectionRefusedError) or "refused" in text:
            raise DeliveryError(f"connection refused by {where}: nothing is listening there") from None
        if "resolve" in text or "name or service not known" in text or "nodename" in text:
            raise DeliveryError(f"cannot find {where}: the host name does not resolve") from None
        raise DeliveryError(f"could not reach {where} ({type(cause).__name__})") from None


def _root(exc: BaseException) -> BaseException:
    """The innermost cause (requests wraps urllib3 wraps the socket error)."""
    seen = exc
    while True:
        nxt = seen.__cause__ or seen.__context__
        if nxt is None and seen.args and isinstance(seen.args[0], BaseException):
            nxt = seen.args[0]
        if nxt is None and hasattr(seen, "reason") and isinstance(seen.reason, BaseException):
            nxt = seen.reason
        if nxt is None or nxt is seen:
            return seen
        seen = nxt


class WebhookChannel:
    name = "webhook"

    def __init__(self, settings: Settings) -> None:
        self.url = settings.alert_webhook_url.get_secret_value() if settings.alert_webhook_url else ""
        secret = settings.alert_webhook_secret.get_secret_value() if settings.alert_webhook_secret else ""
        self._secret = secret.encode()
        self.alias = settings.device_alias
        self.public_url = settings.public_url
        self.timeout = settings.notify_timeout_s

    @property
    def configured(self) -> bool:
        return bool(self.url)

    def missing(self) -> str:
        return "the webhook is not configured: set XO2_ALERT_WEBHOOK_URL"

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

    def send(self, msg: Message) -> None:
        body = self.body(msg)
        headers = {"Content-Type": "application/json", "User-Agent": "XtraO2-Console"}
        if self._secret:
            headers["X-XO2-Signature"] = self.signature(body)
        resp = _post(self.url, "the webhook", self.timeout, data=body, headers=headers)
        if not 200 <= resp.status_code < 300:
            raise DeliveryError(f"the webhook answered HTTP {resp.status_code} {resp.reason or ''}".rstrip(),
                                permanent=_refused(resp.status_code))


class TelegramChannel:
    name = "telegram"

    def __init__(self, settings: Settings) -> None:
        self._token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
        self.chat_id = settings.telegram_chat_id
        self.api_url = settings.telegram_api_url
        self.timeout = settings.notify_timeout_s

    @property
    def configured(self) -> bool:
        return bool(self._token and self.chat_id)

    def missing(self) -> str:
        return "Telegram is not configured: set XO2_TELEGRAM_BOT_TOKEN and XO2_TELEGRAM_CHAT_ID"

    def describe(self) -> str:
        return f"chat {self.chat_id} via {urlsplit(self.api_url).hostname}" if self.configured else ""

    def send(self, msg: Message) -> None:
        body = {"chat_id": self.chat_id, "text": f"{msg.subject}\n\n{msg.text}",
                "disable_web_page_preview": True}
        resp = _post(f"{self.api_url}/bot{self._token}/sendMessage", "Telegram", self.timeout, json=body)
        try:
            doc = resp.json()
        except ValueError:
            doc = {}
        if resp.status_code == 200 and isinstance(doc, dict) and doc.get("ok") is True:
            return
        said = doc.get("description") if isinstance(doc, dict) else None
        said = str(said).replace(self._token, "…") if said else f"HTTP {resp.status_code}"
        hint = {401: " (check XO2_TELEGRAM_BOT_TOKEN)", 404: " (check XO2_TELEGRAM_BOT_TOKEN)",
                400: " (check XO2_TELEGRAM_CHAT_ID; the bot must be in that chat)",
                403: " (the bot was blocked or removed from the chat)"}.get(resp.status_code, "")
        # 401/404: the token is wrong, nothing in this message: held until the token is fixed.
        raise DeliveryError(f"Telegram refused the message: {said}{hint}",
                            permanent=_refused(resp.status_code) and resp.status_code not in (401, 404))


def build_channels(settings: Settings) -> dict[str, Channel]:
    return {c.name: c for c in (EmailChannel(settings), WebhookChannel(settings), TelegramChannel(settings))}
