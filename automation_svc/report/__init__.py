"""The monthly impact report by email (SPEC 13): figures from the gateway (figures.py,
gateway_client.py), the email (render.py, monthly.py) and its schedule (schedule.py), which owns
the `report_schedule` slice of the state file and queues into the alerts' persisted outbox."""
