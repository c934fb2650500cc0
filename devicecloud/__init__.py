"""The device cloud as both services see it: settings, the channel map, id aliasing, the cloud
REST and WebSocket clients; `devicecloud.sim` is a simulator of that cloud (a Flask server of its own).

- settings.load_settings() -> Settings       typed XO2_* environment settings
- channels.CHANNELS / BY_CODE / RELAY_IDS    the single channel map (SPEC section 4)
- alias.Aliaser(real, alias).to_alias(obj)   real id -> alias in dicts/lists/CSV lines
- rest.CloudClient(settings)                 graph/report/download/command with retries
- stream.CloudStream(settings, on_frame)     live socket with keepalive and reconnects
"""
