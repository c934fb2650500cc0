import pytest

from devicecloud.settings import DEV_JWT_SECRET, SettingsError, load_settings


def test_defaults_point_at_the_simulator_and_kolkata():
    s = load_settings()
    assert s.cloud_rest_url.startswith("http://127.0.0.1")
    assert s.timezone == "Asia/Kolkata" and str(s.tz) == "Asia/Kolkata"
    assert s.device_alias == "IOCL_XTRA_O2_ADMIN"


def test_environment_is_read(monkeypatch):
    monkeypatch.setenv("XO2_CACHE_TTL_DAY_S", "12.5")
    monkeypatch.setenv("XO2_CLOUD_REST_URL", "https://cloud.example/")
    s = load_settings()
    assert s.cache_ttl_day_s == 12.5
    assert s.cloud_rest_url == "https://cloud.example"  # trailing slash dropped


def test_bad_values_give_one_readable_message_naming_each_variable(monkeypatch):
    monkeypatch.setenv("XO2_HTTP_RETRIES", "lots")
    monkeypatch.setenv("XO2_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("XO2_DEVICE_IMEI", "123")
    monkeypatch.setenv("XO2_CLOUD_WS_URL", "http://not-a-socket")
    with pytest.raises(SettingsError) as exc:
        load_settings()
    msg = str(exc.value)
    assert msg.startswith("Invalid configuration:")
    for name in ("XO2_HTTP_RETRIES", "XO2_TIMEZONE", "XO2_DEVICE_IMEI", "XO2_CLOUD_WS_URL"):
        assert name in msg
    assert "Mars/Olympus" in msg and "15-digit" in msg
    assert "Traceback" not in msg


def test_alias_must_differ_from_real_id():
    with pytest.raises(SettingsError, match="XO2_DEVICE_ALIAS"):
        load_settings(device_alias="BTTE1250001")


@pytest.mark.parametrize("password,secret,dev,problem", [
    (None, "x" * 40, False, "XO2_ADMIN_PASSWORD"),
    ("short", "x" * 40, False, "at least 8"),
    ("long-enough", None, False, "XO2_JWT_SECRET"),
    ("long-enough", "too-short", False, "XO2_JWT_SECRET"),
    ("long-enough", DEV_JWT_SECRET, False, "XO2_JWT_SECRET"),
    ("short", None, True, "XO2_ADMIN_PASSWORD"),   # dev mode still needs a real password
])
def test_weak_secrets_are_refused(password, secret, dev, problem):
    s = load_settings(admin_password=password, jwt_secret=secret, dev=dev)
    with pytest.raises(SettingsError, match=problem):
        s.check_secrets()


def test_secrets_are_not_echoed():
    s = load_settings(admin_password="hunter2!!", jwt_secret="s" * 40)
    s.check_secrets()
    assert "hunter2" not in repr(s) and "s" * 40 not in repr(s)
    assert load_settings(admin_password="long-enough", dev=True).jwt_key == DEV_JWT_SECRET


@pytest.mark.parametrize("env, value", [
    ({"XO2_ALERT_WEBHOOK_URL": "hooks.slack.com/services/T0/B0/hook-token-1"}, "hook-token-1"),
    ({"XO2_TELEGRAM_API_URL": "ftp://api.example.test/bot123:tg-token-2"}, "tg-token-2"),
    ({"XO2_GATEWAY_URL": "gateway:8001/user:pw-3"}, "pw-3"),
])
def test_a_settings_error_never_repeats_a_url_or_secret(monkeypatch, env, value):
    """Issue 21 item 7: a webhook URL (often a token itself) was printed in the settings error."""
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert next(iter(env)) in str(exc.value) and value not in str(exc.value)
