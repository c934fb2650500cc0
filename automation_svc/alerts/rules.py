"""Alert rules (SPEC section 9): the stored shape, what the API accepts, and the checks.

A rule is data: {id, name, kind, channel, op, value, clear, for_s, severity, notify, repeat_s,
enabled}. Fields a kind does not use are null. A create or a (partial) update is merged into
a full rule and validated as a whole, so nothing is saved unless the result makes sense; every
problem is a FieldError naming its field (-> 400).
"""
from __future__ import annotations

import secrets
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from devicecloud.channels import BY_CODE, RELAY_IDS, TRIGGER_CODES, out_of_range, with_unit

from ..field_errors import FieldError, duration, from_validation, label
from .headers import has_control

Kind = Literal["threshold", "offline", "relay_failed", "impact"]
Op = Literal["above", "below"]
Severity = Literal["info", "warning", "critical"]
Notify = Literal["email", "webhook", "telegram"]
NOTIFY_CHANNELS: tuple[str, ...] = ("email", "webhook", "telegram")
# Measured values a threshold may watch: the channel map's triggers (the inlet/outlet sensors
# and the GSM signal; not the SW/HW versions, relays or display values).
THRESHOLD_CODES: tuple[str, ...] = TRIGGER_CODES
# Outlet channels with a better direction in the channel map (not the tank level).
IMPACT_CODES: tuple[str, ...] = tuple(c.code for c in BY_CODE.values()
                                      if c.group == "outlet" and c.better is not None)
MAX_RULES = 100
MAX_FOR_S = 7 * 86400
MIN_OFFLINE_S = 20        # frames come about every 10 s: less would fire between two frames
MIN_REPEAT_S = 60

Name = Annotated[str, Field(max_length=80)]   # blank: made from the rule
Seconds = Annotated[float, Field(ge=0, le=MAX_FOR_S)]


class RuleFields(BaseModel):
    """What a client may send (POST: all optional but kind; PUT: any subset)."""
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    id: str | None = None             # ignored on create; must match on update (UIs send it back)
    name: Name | None = None
    kind: Kind | None = None
    channel: str | None = None
    op: Op | None = None
    value: float | None = None
    clear: float | None = None
    for_s: Seconds | None = None
    severity: Severity | None = None
    notify: list[Notify] | None = None
    repeat_s: Seconds | None = None
    enabled: bool | None = None


class Rule(BaseModel):
    """A stored rule (state file and API)."""
    model_config = ConfigDict(extra="ignore")
    id: str
    name: str
    kind: Kind
    channel: str | None = None
    op: Op | None = None
    value: float | None = None
    clear: float | None = None
    for_s: float = 0
    severity: Severity = "warning"
    notify: list[Notify] = Field(default_factory=lambda: list(NOTIFY_CHANNELS))
    repeat_s: float = 0
    enabled: bool = True


def relay_words(code: str | None, names: dict[str, str] | None = None) -> str:
    """A relay as people call it: its own name (names: relay id -> name), else the map's label."""
    if code is None:
        return "any relay"
    return (names or {}).get(code) or BY_CODE[code].label if code in BY_CODE else code


def default_name(rule: Rule, relay_names: dict[str, str] | None = None) -> str:
    if rule.kind == "threshold":
        return f"{BY_CODE[rule.channel].label} {rule.op} {with_unit(rule.channel, rule.value)}"
    if rule.kind == "offline":
        return "Unit offline"
    if rule.kind == "relay_failed":
        return f"{relay_words(rule.channel, relay_names)}: command failed" if rule.channel else "Relay command failed"
    return f"{BY_CODE[rule.channel].quantity}: outlet worse than inlet"


def _threshold(rule: Rule) -> Rule:
    if rule.channel not in THRESHOLD_CODES:
        raise FieldError("channel", "Channel must be a measured channel (one marked trigger in "
                                    "/api/channels); SW/HW versions and relays cannot trigger an alert")
    if rule.op is None:
        raise FieldError("op", "Direction is required for a threshold: above or below")
    if rule.value is None:
        raise FieldError("value", "Value is required for a threshold")
    for field, v in (("value", rule.value), ("clear", rule.clear)):
        problem = v is not None and out_of_range(rule.channel, label(field), v)
        if problem:
            raise FieldError(field, problem)
    clear = rule.value if rule.clear is None else rule.clear
    value_words, clear_words = with_unit(rule.channel, rule.value), with_unit(rule.channel, clear)
    if rule.op == "above" and clear > rule.value:
        raise FieldError("clear", f"Clear ({clear_words}) must be at or below the value ({value_words}) "
                                  "for an alert above it, so the alert resolves once back below")
    if rule.op == "below" and clear < rule.value:
        raise FieldError("clear", f"Clear ({clear_words}) must be at or above the value ({value_words}) "
                                  "for an alert below it, so the alert resolves once back above")
    return rule.model_copy(update={"clear": clear})


def check(rule: Rule) -> Rule:
    """Kind-specific checks of a whole rule; returns it with unused fields cleared."""
    if rule.kind == "threshold":
        rule = _threshold(rule)
    elif rule.kind == "impact":
        if rule.channel not in IMPACT_CODES:
            raise FieldError("channel", "Channel must be an outlet with a better direction (impact compares "
                                        "an outlet with its inlet): "
                                        + ", ".join(BY_CODE[c].label for c in IMPACT_CODES))
        rule = rule.model_copy(update={"op": None, "value": None, "clear": None})
    elif rule.kind == "offline":
        if rule.for_s < MIN_OFFLINE_S:
            raise FieldError("for_s", f"For must be at least {MIN_OFFLINE_S} s for an offline alert "
                                      "(frames come about every 10 s)")
        rule = rule.model_copy(update={"channel": None, "op": None, "value": None, "clear": None})
    else:  # relay_failed: any relay, or one
        if rule.channel is not None and rule.channel not in RELAY_IDS:
            raise FieldError("channel", "Channel must be one relay, or empty (null) for every relay")
        rule = rule.model_copy(update={"op": None, "value": None, "clear": None, "for_s": 0})
    if rule.repeat_s and rule.repeat_s < MIN_REPEAT_S:
        raise FieldError("repeat_s", f"Repeat must be 0 (never) or at least {duration(MIN_REPEAT_S)}")
    if len(set(rule.notify)) != len(rule.notify):
        raise FieldError("notify", "Notify lists a channel twice")
    return rule


def _fields(body: dict) -> RuleFields:
    """Like models.parse, but an explicit null is allowed: it clears channel/op/value/clear."""
    try:
        return RuleFields.model_validate(body)
    except ValidationError as err:
        e = err.errors()[0]
        if e["loc"] and e["loc"][0] == "notify" and e["type"] == "literal_error":
            raise FieldError("notify", "Notify must list email, webhook or telegram") from None
        raise from_validation(err) from None


def _merge(base: dict, body: dict, relay_names: dict[str, str] | None) -> Rule:
    fields = _fields(body)
    changes = {k: getattr(fields, k) for k in fields.model_fields_set if k != "id"}
    for key in ("kind", "for_s", "severity", "notify", "repeat_s", "enabled"):
        if key in changes and changes[key] is None:
            raise FieldError(key, f"{label(key)} must not be null; leave it out to keep it as it is")
    name = (changes.pop("name") or "").strip() if "name" in changes else base.get("name", "")
    if "name" in fields.model_fields_set and has_control(name):
        # It reaches an email's Subject: one line only (issue 21).
        raise FieldError("name", "Name may not hold line breaks or control characters")
    try:
        rule = Rule.model_validate({**base, **changes, "name": name or "-"})
    except ValidationError as err:       # cannot happen after RuleFields; say so clearly if it does
        raise FieldError(None, str(err.errors()[0]["msg"])) from None
    rule = check(rule)
    return rule if name else rule.model_copy(update={"name": default_name(rule, relay_names)})


def new_rule(body: dict, relay_names: dict[str, str] | None = None) -> Rule:
    """A rule from a POST body; kind is required, a missing or blank name is made from the rule
    (naming a relay by its own name: relay_names, relay id -> name)."""
    if not isinstance(body.get("kind"), str):
        raise FieldError("kind", "Kind is required: threshold, offline, relay_failed or impact")
    return _merge({"id": "a" + secrets.token_hex(4)}, body, relay_names)


def updated_rule(rule: Rule, body: dict, relay_names: dict[str, str] | None = None) -> Rule:
    """The rule with a PUT body applied (any subset of fields; id cannot change)."""
    if body.get("id", rule.id) != rule.id:
        raise FieldError("id", "Id cannot be changed")
    return _merge(rule.model_dump(), body, relay_names)


def default_rules() -> list[Rule]:
    """Created on the first start (SPEC sections 9 and 13)."""
    return [
        Rule(id="offline", name="Unit offline", kind="offline", for_s=120, severity="critical"),
        Rule(id="relay_failed", name="Relay command failed", kind="relay_failed", severity="warning"),
        Rule(id="impact_d9", name="Outlet dust PM worse than inlet", kind="impact", channel="d9", for_s=900,
             severity="warning"),
    ]


# The defaults a state file was given before it recorded which it had been offered.
FIRST_DEFAULTS = ("offline", "relay_failed")


def with_defaults(rules: list[Rule] | None, offered: list[str] | None) -> tuple[list[Rule], list[str]]:
    """The rules to start with and the default rule ids offered so far. A default added in a later
    version reaches an existing install once: it is added unless offered before, so a default
    the admin deleted stays deleted (and one they kept is not added twice)."""
    defaults = default_rules()
    if rules is None:
        return defaults, [r.id for r in defaults]
    rules, seen = list(rules), list(FIRST_DEFAULTS if offered is None else offered)
    have = {r.id for r in rules}
    for rule in defaults:
        if rule.id not in seen:
            seen.append(rule.id)
            if rule.id not in have:
                rules.append(rule)
    return rules, seen


def summary(rule: Rule, relay_names: dict[str, str] | None = None) -> str:
    """A rule in words for the audit log: 'Outlet Dust PM above 60 µg/m³ (clear at 50 µg/m³);
    for 5 minutes; warning; notify email'."""
    if rule.kind == "threshold":
        parts = [f"{BY_CODE[rule.channel].label} {rule.op} {with_unit(rule.channel, rule.value)} "
                 f"(clear at {with_unit(rule.channel, rule.clear)})"]
    elif rule.kind == "impact":
        parts = [f"{BY_CODE[rule.channel].label} worse than {BY_CODE[BY_CODE[rule.channel].pair].label}"]
    elif rule.kind == "offline":
        parts = ["no data from the unit"]
    else:
        parts = [f"a command to {relay_words(rule.channel, relay_names)} fails"]
    if rule.for_s:
        parts.append(f"for {duration(rule.for_s)}")
    parts.append(rule.severity)
    parts.append("notify " + (", ".join(rule.notify) or "nobody"))
    if rule.repeat_s:
        parts.append(f"repeat every {duration(rule.repeat_s)}")
    if not rule.enabled:
        parts.append("disabled")
    return "; ".join(parts)
