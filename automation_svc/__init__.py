"""automation_svc, run alone: relays (rules, commands confirmed from frames), display pusher, alerts and
audit log, each owning its slice of one JSON state file; engine.py is the coordinator that feeds them."""
