"""The three ways out: email (SMTP) here, a signed JSON webhook and Telegram's Bot API in
http_channels.py.

Each channel's send() delivers one Message or raises DeliveryError with a reason an operator
can act on ("the mail server refused the user name or password"), never a secret, a token
or a webhook path (Slack-style webhook URLs are secrets themselves).
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal, Protocol

from devicecloud.settings import Settings

from .deadline import Watchdog
from .http_delivery import net_reason
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

    @property
    def context(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

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
        # Made on first use: loading the CA store takes ~20 ms, and channels are rebuilt per change.
        self._context = ssl_context

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
                                f"({n['to']})", permanent=_refused_for_good(exc)) from None
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(f"{where} refused the sender address {exc.sender} ({n['from']}): "
                                f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"{where} answered {exc.smtp_code} {_text(exc.smtp_error)}",
                                permanent=exc.smtp_code >= 500) from None
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


def _refused_for_good(exc: smtplib.SMTPRecipientsRefused) -> bool:
    """5xx for every recipient: the server will not take them (4xx: try again later)."""
    codes = [v[0] for v in exc.recipients.values() if isinstance(v, tuple) and v]
    return bool(codes) and all(isinstance(c, int) and c >= 500 for c in codes)


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
