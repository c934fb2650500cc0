"""The settings of each contact point as the console accepts them (PUT /notify/<channel>) and
stores them. Every field that reaches a header or a URL is checked here (no line breaks, no
control characters), each refusal is a sentence naming the field, and no sentence repeats a
value that could be secret (a password, a token, a URL that may hold either)."""
from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from ..models import FieldError
from .url_rules import url_refusal

MAX_RECIPIENTS = 20
DEFAULT_TELEGRAM_API = "https://api.telegram.org"
_HOST = re.compile(r"(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*")
ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]{1,64}@[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*")
_CHAT = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}")
_TOKEN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{10,100}")


class _Stored(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class EmailFields(_Stored):
    host: str
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None
    sender: str | None = Field(None, alias="from")
    to: list[str]
    password: str = ""


class WebhookFields(_Stored):
    url: str
    secret: str = ""


class TelegramFields(_Stored):
    chat_id: str
    api_url: str = DEFAULT_TELEGRAM_API
    token: str = ""


def public_url(url: str) -> str:
    """A URL as it may be shown or audited: scheme, host and port; the path (which may hold a
    token, as Slack's does) and any user:password left out."""
    parts = urlsplit(url)
    rest = "/…" if (parts.path not in ("", "/") or parts.query) else ""
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{rest}"


def _body(body: Any, allowed: set[str]) -> dict:
    if not isinstance(body, dict):
        raise FieldError(None, "send the settings as a JSON object")
    for key in body:
        if key not in allowed:
            raise FieldError(str(key), f"{key}: not a setting of this channel; use {', '.join(sorted(allowed))}")
    return body


def _text(body: dict, key: str, what: str, *, required: bool = False, max_len: int = 254,
          secret: bool = False) -> str | None:
    v = body.get(key)
    if v is None or (isinstance(v, str) and not v.strip() and not secret):
        if required:
            raise FieldError(key, f"{what} is required")
        return None
    if not isinstance(v, str):
        raise FieldError(key, f"{what} must be text")
    if len(v) > max_len:
        raise FieldError(key, f"{what} is too long (at most {max_len} characters)")
    if any(ord(c) < 32 or ord(c) == 127 or c in "\u2028\u2029\x85" for c in v):
        raise FieldError(key, f"{what} may not hold line breaks or control characters")
    return v if secret else v.strip()


def _secret(body: dict, key: str, what: str, old: str) -> tuple[str, str]:
    """(the secret to keep, what happened to it for the audit log): omitted keeps it, "" clears."""
    if key not in body:
        return old, f"{what} {'kept' if old else 'not set'}"
    new = _text(body, key, what, max_len=512, secret=True) or ""
    return new, f"{what} {'set' if new else 'cleared'}"


def parse_email(body: Any, old: EmailFields | None) -> tuple[EmailFields, str]:
    body = _body(body, {"host", "port", "security", "user", "from", "to", "password"})
    host = _text(body, "host", "The mail server", required=True)
    if not _HOST.fullmatch(host or ""):
        raise FieldError("host", "The mail server must be a host name or address such as smtp.example.com "
                                 "(no http://, no port, no spaces)")
    port = body.get("port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise FieldError("port", "The port must be a whole number from 1 to 65535 (usually 587, or 465 for ssl)")
    security = body.get("security", "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise FieldError("security", "Security must be starttls, ssl or none")
    user = _text(body, "user", "The user name")
    sender = _text(body, "from", "The sender address")
    if sender is not None and not ADDRESS.fullmatch(sender):
        raise FieldError("from", "The sender address must be one email address such as alerts@example.com")
    to = body.get("to")
    if not isinstance(to, list) or not to:
        raise FieldError("to", "Add at least one recipient email address")
    if len(to) > MAX_RECIPIENTS:
        raise FieldError("to", f"At most {MAX_RECIPIENTS} recipients")
    clean = []
    for n, addr in enumerate(to, 1):
        if not isinstance(addr, str) or not ADDRESS.fullmatch(addr.strip()):
            raise FieldError("to", f"Recipient {n} is not one email address such as ops@example.com")
        clean.append(addr.strip())
    password, note = _secret(body, "password", "password", old.password if old else "")
    return EmailFields(host=host, port=port, security=security, user=user, sender=sender,
                       to=list(dict.fromkeys(clean)), password=password), note


def parse_webhook(body: Any, old: WebhookFields | None) -> tuple[WebhookFields, str]:
    body = _body(body, {"url", "secret"})
    url = body.get("url")
    if url is None and old is not None:
        url = old.url                      # the URL is shown without its path: omitted keeps it
    else:
        problem = url_refusal(url, "The webhook URL")
        if problem:
            raise FieldError("url", problem)
    secret, note = _secret(body, "secret", "signing secret", old.secret if old else "")
    return WebhookFields(url=url, secret=secret), note


def parse_telegram(body: Any, old: TelegramFields | None) -> tuple[TelegramFields, str]:
    body = _body(body, {"chat_id", "api_url", "token"})
    chat = body.get("chat_id")
    if isinstance(chat, int) and not isinstance(chat, bool):
        chat = str(chat)
    if not isinstance(chat, str) or not _CHAT.fullmatch(chat.strip()):
        raise FieldError("chat_id", "The chat id must be a number such as -1001234567890 or a channel "
                                    "name such as @plant_alerts")
    api_url = body.get("api_url") or DEFAULT_TELEGRAM_API
    problem = url_refusal(api_url, "The Telegram API URL")
    if problem:
        raise FieldError("api_url", problem)
    token, note = _secret(body, "token", "bot token", old.token if old else "")
    if not token:
        raise FieldError("token", "The bot token is required (BotFather gives it, like 123456:ABC-...)")
    if not _TOKEN.fullmatch(token):
        raise FieldError("token", "The bot token does not look like one from BotFather "
                                  "(digits, a colon, then letters, digits, - or _)")
    return TelegramFields(chat_id=chat.strip(), api_url=api_url.rstrip("/"), token=token), note
