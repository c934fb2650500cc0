"""Contact points (SPEC 13): where notifications go, set in the console as well as by environment.

A channel the environment configures wins and is read-only here (`source: "env"`); otherwise
the console's settings (the `contact_points` slice of the state file, mode 0600) build it, and
a change rebuilds the channel object in place in the dict the outbox reads, so it applies at
once, without a restart. Secrets (SMTP password, webhook secret, bot token) are write-only:
an omitted one is kept, "" clears it; they are never returned, logged, audited or put in a
message. The webhook URL may hold a token too: it is shown without its path.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from devicecloud.settings import Settings

from .channels import Channel, EmailChannel
from .http_channels import TelegramChannel, WebhookChannel
from .point_fields import (EmailFields, TelegramFields, WebhookFields, parse_email, parse_telegram,
                           parse_webhook, public_url)

SLICE = "contact_points"
CHANNELS = ("email", "webhook", "telegram")
Source = Literal["env", "console"]


class EnvChannel(Exception):
    """The environment sets this channel: the console may not change it (409)."""


class ContactPointsState(BaseModel):
    """The `contact_points` slice: what the console set (secrets included: mode 0600 file)."""
    model_config = ConfigDict(extra="ignore")
    email: EmailFields | None = None
    webhook: WebhookFields | None = None
    telegram: TelegramFields | None = None


def _console_settings(settings: Settings, name: str, fields: BaseModel) -> Settings:
    """The process settings with one channel's values replaced by the console's."""
    if isinstance(fields, EmailFields):
        update: dict[str, Any] = dict(smtp_host=fields.host, smtp_port=fields.port, smtp_security=fields.security,
                                      smtp_user=fields.user, smtp_from=fields.sender,
                                      smtp_password=SecretStr(fields.password) if fields.password else None,
                                      alert_email_to=", ".join(fields.to))
    elif isinstance(fields, WebhookFields):
        update = dict(alert_webhook_url=SecretStr(fields.url),
                      alert_webhook_secret=SecretStr(fields.secret) if fields.secret else None)
    else:
        assert isinstance(fields, TelegramFields)
        update = dict(telegram_chat_id=fields.chat_id, telegram_api_url=fields.api_url,
                      telegram_bot_token=SecretStr(fields.token) if fields.token else None)
    return settings.model_copy(update=update)


_BUILD = {"email": lambda s, src: EmailChannel(s, source=src),
          "webhook": lambda s, src: WebhookChannel(s, source=src),
          "telegram": lambda s, src: TelegramChannel(s, source=src)}


class ContactPoints:
    def __init__(self, settings: Settings, state: ContactPointsState | None, *,
                 commit: Callable[[list[tuple[str, str, str, str]]], None]) -> None:
        self.settings = settings
        self._commit = commit     # saves with audit entries; raises NotSaved (then nothing changed)
        self._lock = threading.RLock()
        self.state = state or ContactPointsState()
        env = {name: _BUILD[name](settings, "env") for name in CHANNELS}
        self.from_env = {name for name, ch in env.items() if ch.configured}
        # The one dict of channel objects; Alerts and its outbox read from it on every delivery.
        self.channels: dict[str, Channel] = {name: self._build(name, env[name]) for name in CHANNELS}
        self.on_change: Callable[[str], None] = lambda name: None    # the outbox's reconfigured()

    def _build(self, name: str, env_channel: Channel | None = None) -> Channel:
        if name in self.from_env:
            return env_channel or _BUILD[name](self.settings, "env")
        fields = getattr(self.state, name)
        if fields is None:
            return env_channel or _BUILD[name](self.settings, "env")     # unconfigured
        return _BUILD[name](_console_settings(self.settings, name, fields), "console")

    def source(self, name: str) -> Source | None:
        if name in self.from_env:
            return "env"
        return "console" if getattr(self.state, name) is not None else None

    # -- API -------------------------------------------------------------------------------------
    def settings_view(self, name: str) -> dict:
        """A channel's settings as GET /notify shows them: no secret, only whether one is set."""
        ch = self.channels[name]
        if isinstance(ch, EmailChannel):
            return {"host": ch.host, "port": ch.port, "security": ch.security, "user": ch.user,
                    "from": ch.from_setting, "to": list(ch.to),
                    "password_set": ch.password_set}
        if isinstance(ch, WebhookChannel):
            return {"url": public_url(ch.url) if ch.url else None, "secret_set": ch.secret_set}
        assert isinstance(ch, TelegramChannel)
        return {"chat_id": ch.chat_id, "api_url": ch.api_url, "token_set": ch.token_set}

    def put(self, name: str, body: Any, who: str = "admin") -> None:
        """Validate and apply a channel's console settings (FieldError -> 400, EnvChannel -> 409)."""
        if name in self.from_env:
            raise EnvChannel(f"{name} is set by the environment of the service (XO2_* variables) and "
                             "cannot be changed here; change it there or unset it to manage it here")
        with self._lock:
            old = getattr(self.state, name)
            fields, note = {"email": parse_email, "webhook": parse_webhook,
                            "telegram": parse_telegram}[name](body, old)
            self._apply(name, fields, old,
                        (who, f"contact point saved: {name}", f"{_describe(name, fields)}; {note}", "saved"))
        self.on_change(name)

    def delete(self, name: str, who: str = "admin") -> bool:
        """Forget the console's settings of a channel; False when there were none."""
        if name in self.from_env:
            raise EnvChannel(f"{name} is set by the environment of the service and cannot be removed here")
        with self._lock:
            old = getattr(self.state, name)
            if old is None:
                return False
            self._apply(name, None, old, (who, f"contact point removed: {name}", "set up in the console before",
                                          "removed"))
        self.on_change(name)
        return True

    def _apply(self, name: str, fields: BaseModel | None, old: BaseModel | None,
               audit: tuple[str, str, str, str]) -> None:
        """Set a channel's settings and save them; put back as they were when the save did not
        reach the disk (issue 21: never answered 2xx)."""
        setattr(self.state, name, fields)
        self.channels[name] = self._build(name)
        try:
            self._commit([audit])
        except Exception:
            setattr(self.state, name, old)
            self.channels[name] = self._build(name)
            raise

    def dump(self) -> dict:
        with self._lock:
            return self.state.model_dump(mode="json", by_alias=True)


def _describe(name: str, fields: BaseModel) -> str:
    """The settings for the audit log: everything but secrets (and the webhook URL's path)."""
    if isinstance(fields, EmailFields):
        return (f"{fields.host}:{fields.port} ({fields.security}), user {fields.user or 'none'}, "
                f"from {fields.sender or 'default'}, to {', '.join(fields.to)}")
    if isinstance(fields, WebhookFields):
        return f"{public_url(fields.url)} ({'signed' if fields.secret else 'unsigned'})"
    assert isinstance(fields, TelegramFields)
    return f"chat {fields.chat_id} via {fields.api_url}"


