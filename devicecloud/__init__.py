"""The device cloud as both services see it: settings, channel map, id aliasing, the cloud's
REST and WebSocket clients (no Flask; `devicecloud.sim` is a simulator of that cloud).

- settings.load_settings() -> Settings       typed XO2_* environment settings
- channels.CHANNELS / BY_CODE / RELAY_IDS    the single channel map (SPEC section 4)
- alias.Aliaser(real, alias).to_alias(obj)   real id -> alias in dicts/lists/CSV lines
- rest.CloudClient(settings)                 graph/report/download/command with retries
- stream.CloudStream(settings, on_frame)     live socket with keepalive and reconnects
- frames.num / value / relay_state           tolerant readers of the fields of a cloud frame
- dates.parse_day / chunks.byte_chunks       report dates and CSV chunks (gateway and sim)
"""
