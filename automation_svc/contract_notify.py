"""Reply and request models of the contact points and the monthly report (SPEC 13) for
automation_svc's OpenAPI document (contract.py documents the routes with them)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from service_kit.openapi import Reply


class EmailSettings(Reply):
    host: str | None
    port: int
    security: Literal["starttls", "ssl", "none"]
    user: str | None
    sender: str | None = Field(alias="from")
    to: list[str]
    password_set: bool


class WebhookSettings(Reply):
    url: str | None = Field(description="scheme, host and port only: the path may hold a token")
    secret_set: bool


class TelegramSettings(Reply):
    chat_id: str | None
    api_url: str
    token_set: bool


class ChannelStatus(Reply):
    configured: bool
    source: Literal["env", "console"] | None = Field(description="env: read-only here (XO2_* variables win)")
    last_ok_at: float | None
    last_error: str | None
    failing_since: float | None


class EmailStatus(ChannelStatus):
    settings: EmailSettings


class WebhookStatus(ChannelStatus):
    settings: WebhookSettings


class TelegramStatus(ChannelStatus):
    settings: TelegramSettings


class NotifyStatus(Reply):
    email: EmailStatus
    webhook: WebhookStatus
    telegram: TelegramStatus


class EmailPut(BaseModel):
    """Email settings; an omitted password is kept, "" clears it."""
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    host: Annotated[str, Field(min_length=1, max_length=253)]
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: Annotated[str, Field(max_length=254)] | None = None
    sender: Annotated[str, Field(max_length=254)] | None = Field(None, alias="from")
    to: Annotated[list[Annotated[str, Field(max_length=254)]], Field(min_length=1, max_length=20)]
    password: Annotated[str, Field(max_length=512)] | None = None


class WebhookPut(BaseModel):
    """Webhook settings: http(s), never a link-local, metadata, multicast or unspecified address;
    an omitted url (shown without its path) or secret is kept, "" clears the secret."""
    model_config = ConfigDict(extra="forbid")
    url: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    secret: Annotated[str, Field(max_length=512)] | None = None


class TelegramPut(BaseModel):
    """Telegram settings; an omitted token is kept (one is needed), "" clears it."""
    model_config = ConfigDict(extra="forbid")
    chat_id: Annotated[str, Field(min_length=1, max_length=33)]
    api_url: Annotated[str, Field(max_length=2000)] | None = None
    token: Annotated[str, Field(max_length=512)] | None = None


class NotifyPut(RootModel[EmailPut | WebhookPut | TelegramPut]):
    """The settings of the channel named in the path (email, webhook or telegram)."""


class ReportScheduleView(Reply):
    enabled: bool
    to: list[str]
    day: Annotated[int, Field(ge=1, le=28)]
    time: str
    timezone: str
    next_at: float | None
    last_month: str | None = Field(description="the last month the schedule queued, YYYY-MM")
    last_queued_at: float | None
    last_error: str | None


class ReportSchedulePut(BaseModel):
    """The schedule (unit-local); omitted fields keep their value."""
    model_config = ConfigDict(extra="forbid")
    enabled: bool | None = None
    to: Annotated[list[Annotated[str, Field(max_length=254)]], Field(max_length=20)] | None = None
    day: Annotated[int, Field(ge=1, le=28)] | None = None
    time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None


class ReportSend(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class ReportSent(Reply):
    month: str
    sent: Literal[True]
    to: list[str]
