"""Code both services share: settings, the channel map, id aliasing, the cloud REST and
WebSocket clients, Flask/JWT plumbing, and (in `devicecloud.sim`) the device-cloud simulator.

- settings.load_settings() -> Settings       typed XO2_* environment settings
- channels.CHANNELS / BY_CODE / RELAY_IDS    the single channel map (SPEC section 4)
- alias.Aliaser(real, alias).to_alias(obj)   real id -> alias in dicts/lists/CSV lines
- rest.CloudClient(settings)                 graph/report/download/command with retries
- stream.CloudStream(settings, on_frame)     live socket with keepalive and reconnects
- webapp.create_base_app(name, settings)     JSON errors, JWT, proxy headers
- auth.add_login(app, settings, prefix)      POST <prefix>/login with rate limiting
"""
