"""WSGI entry point: `gunicorn -k gevent -w 1 gateway_svc.wsgi:app` (one worker, no --preload)."""
from .app import create_app

app = create_app()
