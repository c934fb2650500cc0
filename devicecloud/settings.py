"""Typed settings from XO2_* environment variables, validated once at start.

Both services read the same settings class so a variable means one thing everywhere.
`load_settings()` turns pydantic's errors into a short message naming each variable.
"""
from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .links import DEFAULT_REPORT_HOSTS, parse_patterns, plain_url_refusal

ENV_PREFIX = "XO2_"
# Used only with XO2_DEV=1; a service refuses it otherwise.
DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me"
MIN_PASSWORD_LEN = 8
# Passwords printed in this project's docs and scripts, and the commonest 8+ character ones:
# accepted only with XO2_DEV=1.
KNOWN_PASSWORDS = frozenset({"xtrao2-local", "change-me-now", "changeme", "password", "password1",
                             "12345678", "123456789", "1234567890", "qwertyuiop", "iloveyou"})
MIN_SECRET_LEN = 32
SIM_URL = "http://127.0.0.1:8300"


class SettingsError(SystemExit):
    """Raised with a readable, multi-line message when the configuration is invalid."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    # Hosts besides loopback that may be reached over plain http/ws: only a simulator on a
    # private network (compose sets `sim`). Declared before the cloud URLs, which check it.
    plain_http_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    # Upstream device cloud; the defaults point at the embedded simulator.
    cloud_rest_url: str = SIM_URL
    cloud_ws_url: str = "ws://127.0.0.1:8300/production"
    device_id: str = "BTTE1250001"          # the real id: never shown to a browser
    device_alias: str = "IOCL_XTRA_O2_ADMIN"
    device_imei: str = "860710081332028"
    device_meter: str = "2"
    timezone: str = "Asia/Kolkata"          # the unit's local time
    # Hosts the cloud's report links may point at (comma-separated globs; SPEC section 11).
    report_hosts: Annotated[tuple[str, ...], NoDecode] = DEFAULT_REPORT_HOSTS

    # Security
    admin_password: SecretStr | None = None
    jwt_secret: SecretStr | None = None
    jwt_expires_s: int = Field(8 * 3600, ge=60, le=7 * 86400)
    login_limit: str = "5 per minute"       # failed logins per client
    dev: bool = False                       # allows the dev JWT secret; never in production

    # Cloud client behaviour
    http_timeout_s: float = Field(15.0, gt=0, le=120)
    http_retries: int = Field(3, ge=0, le=10)
    http_backoff_s: float = Field(0.5, ge=0, le=30)
    ws_keepalive_s: float = Field(300.0, gt=0, lt=600)     # API Gateway drops idle sockets at 10 min
    ws_max_age_s: float = Field(6600.0, gt=0, lt=7200)     # ... and every socket at 2 h
    # Longest wait between reconnect attempts: with a 10 s frame period, 15 s keeps recovery
    # within 30 s of the cloud coming back even after a long outage.
    ws_backoff_max_s: float = Field(15.0, gt=0, le=600)

    # Where each service listens (host:port); nginx proxies to these.
    gateway_bind: str = "127.0.0.1:8001"
    automation_bind: str = "127.0.0.1:8002"
    # How the gateway reaches automation_svc (browser logins go to its audit log).
    automation_url: str = "http://127.0.0.1:8002"
    # How automation_svc reaches the gateway (the monthly report's history and CSV); unset when
    # automation runs alone, and then the report says it needs the gateway.
    gateway_url: str | None = None
    # The site's name in the header, reports and notifications (SPEC 12); default: the alias.
    site_name: str | None = None

    # gateway_svc
    cache_ttl_hour_s: float = Field(30.0, ge=0)
    cache_ttl_day_s: float = Field(300.0, ge=0)
    cache_ttl_week_s: float = Field(900.0, ge=0)
    frame_stale_s: float = Field(60.0, gt=0)
    history_buckets: int = Field(500, ge=10, le=5000)
    # The history store (SPEC section 10): each past unit-local day fetched from the cloud once.
    history_dir: Path = Path("data/history")
    history_keep_days: int = Field(400, ge=2, le=3660)      # days kept; older ones are deleted
    history_backfill_days: int = Field(31, ge=0, le=366)    # fetched in the background on first start
    # a forked child storing a day is killed after this long (the day is retried later)
    history_child_timeout_s: float = Field(120.0, gt=0, le=3600)

    # automation_svc
    state_file: Path = Path("data/automation_state.json")
    command_timeout_s: float = Field(60.0, gt=0)
    min_dwell_s: float = Field(60.0, ge=0)
    display_interval_s: float = Field(10.0, gt=0)
    display_max_age_s: float = Field(120.0, gt=0)
    display_standard: Literal["cpcb", "epa"] = "cpcb"   # AQI breakpoints for the display
    pm_size: Literal["pm25", "pm10"] = "pm25"           # what the unit's "Dust PM" (d2/d9) measures
    sensor_max_age_s: float = Field(120.0, gt=0)        # sensor rules ignore older data
    retry_backoff_s: float = Field(10.0, gt=0)          # first retry of an unconfirmed automated change
    retry_backoff_max_s: float = Field(600.0, gt=0)
    audit_max: int = Field(500, ge=10, le=10000)        # audit entries kept in the state file

    # automation_svc alerts and notifications (SPEC section 9). Secrets never leave the process.
    public_url: str = "http://localhost:8080"           # the console's address, linked from messages
    notify_max_per_hour: int = Field(20, ge=1, le=1000)  # per channel; the rest go out as one summary
    notify_timeout_s: float = Field(10.0, gt=0, le=120)  # one delivery attempt (SMTP, webhook, Telegram)
    smtp_host: str | None = None                        # unset = email off
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None                        # default: XO2_SMTP_USER
    alert_email_to: str | None = None                   # comma-separated addresses
    alert_webhook_url: SecretStr | None = None          # unset = webhook off; may hold a token (Slack)
    alert_webhook_secret: SecretStr | None = None       # signs the body: X-XO2-Signature
    telegram_bot_token: SecretStr | None = None
    telegram_chat_id: str | None = None
    telegram_api_url: str = "https://api.telegram.org"

    @field_validator("cloud_rest_url", "automation_url", "public_url", "telegram_api_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError("must be an http(s) URL, e.g. https://example.execute-api.../")
        return v.rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _gateway_url(cls, v: str | None) -> str | None:
        if v is not None and v.strip() and not re.match(r"^https?://[^\s/]+", v.strip()):
            raise ValueError("must be an http(s) URL, e.g. http://gateway:8001")
        return v.strip().rstrip("/") or None if v is not None else None

    @field_validator("site_name")
    @classmethod
    def _site_name(cls, v: str | None) -> str | None:
        v = v.strip() if v is not None else None
        if v and (len(v) > 80 or any(ord(c) < 32 or ord(c) == 127 or c in "\u2028\u2029\x85" for c in v)):
            raise ValueError("must be one line of at most 80 characters")
        return v or None

    @property
    def site(self) -> str:
        """The site's name as people read it: XO2_SITE_NAME, else the alias."""
        return self.site_name or self.device_alias

    @field_validator("alert_webhook_url")
    @classmethod
    def _webhook_url(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value() and not re.match(r"^https?://[^\s/]+", v.get_secret_value()):
            raise ValueError("must be an http(s) URL")
        return v

    @field_validator("smtp_host", "smtp_user", "smtp_from", "alert_email_to", "telegram_chat_id")
    @classmethod
    def _blank_is_unset(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None

    @field_validator("cloud_ws_url")
    @classmethod
    def _ws_url(cls, v: str) -> str:
        if not re.match(r"^wss?://[^\s/]+", v):
            raise ValueError("must be a ws:// or wss:// URL")
        return v

    @field_validator("plain_http_hosts", "report_hosts", mode="before")
    @classmethod
    def _host_list(cls, v: object) -> tuple[str, ...]:
        if not isinstance(v, (str, list, tuple)):
            raise ValueError("must be a comma-separated list of host names")
        return parse_patterns(v)

    @field_validator("plain_http_hosts")
    @classmethod
    def _plain_hosts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any("*" in h for h in v):
            raise ValueError("must name hosts exactly (no *)")
        return v

    @field_validator("cloud_rest_url", "cloud_ws_url")
    @classmethod
    def _cloud_secure(cls, v: str, info: ValidationInfo) -> str:
        # The cloud's traffic carries the real device id and relay commands: never in clear
        # across a network; plain http/ws only to this machine (a local simulator).
        secure = "https" if info.field_name == "cloud_rest_url" else "wss"
        problem = plain_url_refusal(v, secure, info.data.get("plain_http_hosts", ()))
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("device_id", "device_alias")
    @classmethod
    def _ident(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_-]{3,64}", v):
            raise ValueError("must be 3-64 letters, digits, '_' or '-'")
        return v

    @field_validator("device_imei")
    @classmethod
    def _imei(cls, v: str) -> str:
        if not re.fullmatch(r"\d{15}", v):
            raise ValueError("must be the unit's 15-digit IMEI")
        return v

    @field_validator("device_meter")
    @classmethod
    def _meter(cls, v: str) -> str:
        if not re.fullmatch(r"\d{1,3}", v):
            raise ValueError("must be a small number such as 2")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}; use an IANA name like Asia/Kolkata") from None
        return v

    @model_validator(mode="after")
    def _security(self) -> "Settings":
        if self.device_id == self.device_alias:
            raise ValueError("XO2_DEVICE_ALIAS must differ from XO2_DEVICE_ID (the alias hides the real id)")
        return self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def check_secrets(self) -> None:
        """Services that log people in call this at start: no weak or default secrets."""
        problems = []
        pw = self.admin_password.get_secret_value() if self.admin_password else ""
        if len(pw) < MIN_PASSWORD_LEN:
            problems.append(f"{ENV_PREFIX}ADMIN_PASSWORD: required, at least {MIN_PASSWORD_LEN} characters")
        elif not self.dev and (pw.lower() in KNOWN_PASSWORDS or pw.lower() == self.device_alias.lower()):
            problems.append(f"{ENV_PREFIX}ADMIN_PASSWORD: a published, common or device-id password is "
                            f"not allowed outside development (XO2_DEV=1); choose another")
        secret = self.jwt_secret.get_secret_value() if self.jwt_secret else ""
        if not self.dev and (len(secret) < MIN_SECRET_LEN or secret == DEV_JWT_SECRET):
            problems.append(
                f"{ENV_PREFIX}JWT_SECRET: required, at least {MIN_SECRET_LEN} random characters "
                f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`); "
                f"set {ENV_PREFIX}DEV=1 to use a throw-away secret in development")
        if problems:
            raise SettingsError("Invalid configuration:\n  " + "\n  ".join(problems))

    @property
    def jwt_key(self) -> str:
        if self.jwt_secret and self.jwt_secret.get_secret_value():
            return self.jwt_secret.get_secret_value()
        return DEV_JWT_SECRET


def _secret_bearing(field: str) -> bool:
    """A value never repeated in an error: a secret, or a URL (it may hold user:password or a
    token in its path, as Slack's webhook URLs and Telegram's bot URLs do)."""
    info = Settings.model_fields.get(field)
    return (info is None or "SecretStr" in str(info.annotation) or field.endswith("_url")
            or any(w in field for w in ("secret", "password", "token")))


def _describe(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        name = ENV_PREFIX + "_".join(str(p) for p in e["loc"]).upper() if e["loc"] else "settings"
        msg = e["msg"].removeprefix("Value error, ")
        if e["loc"] and not _secret_bearing(str(e["loc"][0])) and isinstance(e.get("input"), str):
            msg += f" (got {e['input']!r})"
        lines.append(f"{name}: {msg}")
    return "Invalid configuration:\n  " + "\n  ".join(lines)


def load_settings(**overrides) -> Settings:
    """Read settings from the environment (overrides win); exit with a readable message."""
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise SettingsError(_describe(err)) from None
