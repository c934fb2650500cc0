"""automation_svc: relay rules (manual / sensor / time) with confirmation from data, the display
pusher and the JSON state file. Runs alone: `python -m automation_svc`.

Modules: models (validation + state schema), store (atomic JSON file), rules (pure rule
evaluation), aqi (breakpoint table), display (what the display shows + schedule), commands
(queue + confirmation), audit, engine (decisions), service (threads), api (routes), app (factory).
"""
