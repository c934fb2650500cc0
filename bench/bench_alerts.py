#!/usr/bin/env python3
"""#8 Alert latency: from the frame that crosses a threshold (for_s 0) to the message received
by a local SMTP server and by a local webhook receiver; p99 < 2 s over 50 alerts.

The whole console runs as in the README's local run (simulator, gateway, automation_svc under
gunicorn/gevent, nginx); the receivers are the tests' real local servers (aiosmtpd and an
http.server that checks the X-XO2-Signature HMAC), in this process. One threshold rule
(Outlet Water Level d13 below 20, clear 30, for_s 0, email + webhook) is created through nginx.
Each round pins d13 = 10 in the simulator right after a frame was emitted, so the next frame
is the one that crosses (its emit time comes from the simulator's emit log, bench/simrun.py);
latency = receipt of the "firing" message - that emit time, on the same machine clock. Then
d13 goes back to 40 and the round waits for both "resolved" messages before the next one.
XO2_NOTIFY_MAX_PER_HOUR is raised to 1000 here, or the default 20/hour cap would fold most of
the 100 messages per channel into a summary.

    .venv/bin/python bench/bench_alerts.py [--alerts 50] [--period 1]
"""
from __future__ import annotations

import argparse
import sys
import time

from common import BenchStack, Report, http, log, login, percentile

from tests.automation.alert_servers import HttpReceiver, SmtpServer  # noqa: E402  (ROOT is on sys.path)

SECRET = "bench-webhook-secret-0123456789"
RULE = {"kind": "threshold", "name": "bench: tank low", "channel": "d13", "op": "below", "value": 20,
        "clear": 30, "for_s": 0, "severity": "warning", "notify": ["email", "webhook"]}


def emit_times(stack: BenchStack) -> list[float]:
    if not stack.emit_log.exists():
        return []
    return [float(line.split()[1]) for line in stack.emit_log.read_text().splitlines() if len(line.split()) == 2]


def pin(stack: BenchStack, value: float) -> None:
    status, _, body = http(f"{stack.sim_url}/__sim/values", method="POST", body={"d13": value})
    if status != 200:
        raise RuntimeError(f"sim pin answered {status}: {body[:200]!r}")


def wait_until(check, timeout: float) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if check():
            return True
        time.sleep(0.005)
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--alerts", type=int, default=50, help="alerts to fire (default 50)")
    ap.add_argument("--period", type=float, default=1.0, help="simulator frame period, s (default 1)")
    args = ap.parse_args()
    report = Report("alerts")
    smtp = SmtpServer().start()
    hook = HttpReceiver(secret=SECRET).start()
    env = {"XO2_SMTP_HOST": "127.0.0.1", "XO2_SMTP_PORT": str(smtp.port), "XO2_SMTP_SECURITY": "none",
           "XO2_SMTP_FROM": "console@bench.test", "XO2_ALERT_EMAIL_TO": "ops@bench.test",
           "XO2_ALERT_WEBHOOK_URL": f"{hook.url}/hook", "XO2_ALERT_WEBHOOK_SECRET": SECRET,
           "XO2_TELEGRAM_BOT_TOKEN": "", "XO2_NOTIFY_MAX_PER_HOUR": "1000",
           "XO2_PUBLIC_URL": "http://console.bench.test"}
    mail_lat: list[float] = []
    hook_lat: list[float] = []
    missing = 0
    try:
        with BenchStack("alerts", sim_period=args.period, env=env) as stack:
            token = login(stack.url)
            pin(stack, 40)
            status, _, body = http(f"{stack.url}/api/automation/alert-rules", token=token, method="POST", body=RULE)
            if status != 201:
                raise RuntimeError(f"creating the rule answered {status}: {body[:200]!r}")
            if not wait_until(lambda: len(emit_times(stack)) >= 3, 30):
                raise RuntimeError("the simulator emits no frames")
            time.sleep(2 * args.period)            # automation has seen d13 = 40
            for n in range(args.alerts):
                mails, posts = len(smtp.received()), len(hook.received())
                last = emit_times(stack)[-1]
                wait_until(lambda: emit_times(stack)[-1] > last, 3 * args.period)   # just after an emit
                emitted = len(emit_times(stack))
                pin(stack, 10)
                if not wait_until(lambda: len(emit_times(stack)) > emitted, 3 * args.period):
                    raise RuntimeError("no frame after the pin")
                crossing = emit_times(stack)[emitted]
                got = wait_until(lambda: len(smtp.received()) > mails and len(hook.received()) > posts, 15)
                if not got:
                    missing += 1
                    log(f"alert {n + 1}: a message did not arrive within 15 s")
                else:
                    mail, post = smtp.received()[mails], hook.received()[posts]
                    if "FIRING" not in mail.body or post.json()["event"] != "alert.firing":
                        raise RuntimeError(f"unexpected message: {mail.subject} / {post.json()['event']}")
                    mail_lat.append(mail.at - crossing)
                    hook_lat.append(post.at - crossing)
                pin(stack, 40)
                if not wait_until(lambda: len(smtp.received()) >= mails + 2 and len(hook.received()) >= posts + 2, 15):
                    raise RuntimeError(f"alert {n + 1} did not resolve")
                if (n + 1) % 10 == 0:
                    log(f"{n + 1} alerts: email p99 {percentile(mail_lat, 99) * 1000:.0f} ms, "
                        f"webhook p99 {percentile(hook_lat, 99) * 1000:.0f} ms")
            everything = [m.raw for m in smtp.received()] + [p.body.decode() for p in hook.received()]
    finally:
        smtp.stop()
        hook.stop()

    report.info("alerts fired (each also resolved)", args.alerts)
    report.info("email latency p50 / max", f"{percentile(mail_lat, 50) * 1000:.0f} / {max(mail_lat) * 1000:.0f}", "ms")
    report.info("webhook latency p50 / max", f"{percentile(hook_lat, 50) * 1000:.0f} / {max(hook_lat) * 1000:.0f}", "ms")
    p99_mail, p99_hook = percentile(mail_lat, 99), percentile(hook_lat, 99)
    report.figure("crossing frame -> email received, p99", round(p99_mail * 1000), "ms", "< 2000 ms", p99_mail < 2)
    report.figure("crossing frame -> webhook received, p99", round(p99_hook * 1000), "ms", "< 2000 ms", p99_hook < 2)
    report.figure("missing messages", missing, "", "0", missing == 0)
    bad_sig = sum(1 for p in hook.received() if not p.signature_ok)
    report.figure("webhook posts with a bad signature", bad_sig, "", "0", bad_sig == 0)
    leaks = sum(1 for text in everything if "BTTE" in text)
    report.figure("messages naming the real device id", leaks, "", "0", leaks == 0)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
