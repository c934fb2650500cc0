"""The Flask/gunicorn plumbing both services are built on (not the cloud: that is devicecloud/):
the base app with JSON errors and JWT, the admin login, gunicorn serving, metrics, safe log paths.

- webapp.create_base_app(name, settings)     JSON errors, JWT, proxy headers; ApiError, json_body
- auth.add_login(app, settings, prefix)      POST <prefix>/login with rate limiting and a throttle
- serve.serve(factory, bind)                 gunicorn with one gevent worker
- metrics.exposition(...)                    Prometheus text for /metrics
- logsafe.log_path(path)                     a request path as a log line may show it
- coop.run_cpu / cooperate / CpuLane         CPU work and long loops without freezing gevent
- openapi.Contract                           the routes as OpenAPI 3.1 (spectree), served behind login
"""
