"""The alert rules as the API edits them: create, update, delete, each audited. The caller holds
the alerts lock; `forget` is what a changed rule means for its holds and alerts."""
from __future__ import annotations

from collections.abc import Callable

from ..field_errors import FieldError
from .models import NotFound
from .rules import MAX_RULES, Rule, new_rule, summary, updated_rule, with_defaults
from .transitions import Effects


class RuleBook:
    def __init__(self, rules: list[Rule] | None, forget: Callable[[str, str | None, Effects], None],
                 offered: list[str] | None = None) -> None:
        self.rules, self.offered = with_defaults(rules, offered)   # offered: default ids ever given
        self._forget = forget     # (rule id, why its alerts resolve or None to keep them, effects)

    def enabled(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.enabled and r.kind == kind]

    def for_key(self, key: str) -> Rule | None:
        """The rule of a hold or alert key (`<rule id>` or `<rule id>:<relay>`), if it still exists."""
        rid = key.split(":", 1)[0]
        return next((r for r in self.rules if r.id == rid), None)

    def get(self, rule_id: str) -> Rule:
        rule = next((r for r in self.rules if r.id == rule_id), None)
        if rule is None:
            raise NotFound(rule_id)
        return rule

    # `names`: relay id -> the relay's own name, for rule names and the audit's words.
    def create(self, body: dict, who: str, fx: Effects, names: dict[str, str] | None = None) -> Rule:
        rule = new_rule(body, names)
        if len(self.rules) >= MAX_RULES:
            raise FieldError(None, f"There may be at most {MAX_RULES} alert rules; delete one first")
        self.rules.append(rule)
        fx.audits.append((who, f"alert rule created: {rule.name}", summary(rule, names), "saved"))
        return rule

    def update(self, rule_id: str, body: dict, who: str, fx: Effects,
               names: dict[str, str] | None = None) -> tuple[Rule, bool]:
        """The rule after the change, and whether anything changed."""
        old = self.get(rule_id)
        rule = updated_rule(old, body, names)
        if rule == old:
            return rule, False
        self.rules[self.rules.index(old)] = rule
        self._forget(rule_id, "rule disabled" if not rule.enabled else None, fx)
        fx.audits.append((who, f"alert rule updated: {rule.name}", summary(rule, names), "saved"))
        return rule, True

    def delete(self, rule_id: str, who: str, fx: Effects, names: dict[str, str] | None = None) -> Rule:
        rule = self.get(rule_id)
        self.rules.remove(rule)
        self._forget(rule_id, "rule deleted", fx)
        fx.audits.append((who, f"alert rule deleted: {rule.name}", summary(rule, names), "saved"))
        return rule

    def view(self) -> list[dict]:
        return [r.model_dump(mode="json") for r in self.rules]

