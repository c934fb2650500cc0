"""gevent cooperation helpers for the gateway's modules. They live in devicecloud.coop: the
login (devicecloud/auth.py, both services) runs its password hashing through run_cpu too."""
from devicecloud.coop import cooperate, run_cpu, under_gevent

__all__ = ["cooperate", "run_cpu", "under_gevent"]
