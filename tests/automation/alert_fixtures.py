"""pytest fixtures for the test_alerts_* modules (import them by name): the local receivers of
alert_servers.py, started and stopped per test, and settings pointing every channel at them."""
from __future__ import annotations

import pytest

from .alert_servers import HttpReceiver, SmtpServer, TelegramFake

WEBHOOK_SECRET = "hook-secret-for-tests-0123456789"
TG_TOKEN = "123456:TEST-token-abcdef"
TG_CHAT = "-100200300"
SMTP_PASSWORD = "mail-pass-42"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def webhook():
    server = HttpReceiver(secret=WEBHOOK_SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def telegram():
    server = TelegramFake(TG_TOKEN, TG_CHAT).start()
    yield server
    server.stop()


@pytest.fixture
def notify_settings(make_settings, smtp, webhook, telegram):
    """Settings with all three channels pointed at the local receivers (overrides win)."""
    def make(**overrides):
        base = dict(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none",
                    smtp_from="console@example.test", alert_email_to="ops@example.test, duty@example.test",
                    alert_webhook_url=f"{webhook.url}/hooks/T000/secret-path",
                    alert_webhook_secret=WEBHOOK_SECRET, telegram_bot_token=TG_TOKEN,
                    telegram_chat_id=TG_CHAT, telegram_api_url=telegram.url,
                    public_url="https://console.example.test")
        return make_settings(**{**base, **overrides})
    return make


def deliver(alerts) -> None:
    """Run every channel's outbox once, in the test's thread."""
    for name in alerts.channels:
        if alerts.channels[name].configured:
            alerts.outbox.deliver_due(name)
