"""WSGI entry point for any server: `gunicorn -k gevent -w 1 automation_svc.wsgi:app`
(one worker: it owns the relay engine, the cloud socket and the state file)."""
from .app import create_app

app = create_app()
