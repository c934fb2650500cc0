"""Device-cloud simulator: the AWS REST + WebSocket API of the XtraO2 unit, on 127.0.0.1.

Run it with `python -m devicecloud.sim --help`, or in-process:

    with SimServer(period=0.1, command_delay=0.2, port=0) as sim:
        sim.rest_url, sim.ws_url, sim.state

It plays the cloud that devicecloud's clients talk to, so it never imports those clients or
the settings; it does use devicecloud's pure helpers (`dates`, `chunks`) so each exists once.
`generator.py` makes the unit's frames, `report_csv.py` its CSV; `state`, `hub`, `reports` and `app` serve them.
"""
from .generator import make_frame, rest_shape, socket_shape
from .report_csv import report_csv_lines
from .server import SimServer
from .state import SimState

__all__ = ["SimServer", "SimState", "make_frame", "report_csv_lines", "rest_shape",
           "socket_shape"]
