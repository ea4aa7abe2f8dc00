"""Every event type of every service maps explicitly to a read action of the feed (issue 17).

The check walks every `EventRegistry` defined anywhere under `services/`, so an event type
another change adds later fails here until it is mapped in `gateway/event_actions.py`.
"""

from __future__ import annotations

import importlib
import pkgutil

import services
from eventkit.registry import EventRegistry
from gateway import event_actions, policy


def _service_registries() -> list[EventRegistry]:
    # registries live in `events` modules (services/<svc>/contract/events.py today); command
    # lines (`__main__`, CLIs) are not imported: they parse the test runner's arguments
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if "event" in module.name.rpartition(".")[2]:
            importlib.import_module(module.name)
    found = [r for r in EventRegistry.instances if r.module.startswith("services.")]
    assert {r.service for r in found} >= {"org", "activities", "funding", "assessment"}
    return found


def test_every_event_type_of_every_registry_has_an_explicit_action():
    unmapped = [(r.service, t) for r in _service_registries() for t in r.types()
                if t not in event_actions.EVENT_ACTIONS.get(r.service, {})]
    assert unmapped == []


def test_every_mapped_action_is_a_read_action_of_the_policy_and_every_mapping_is_a_type():
    registered = {(r.service, t) for r in _service_registries() for t in r.types()}
    for source, table in event_actions.EVENT_ACTIONS.items():
        for event_type, action in table.items():
            assert action in policy.POLICY, (source, event_type, action)
            assert action.endswith((".read", ".admin")), (source, event_type, action)
            assert (source, event_type) in registered, f"{source}.{event_type} is not an event"


def test_rules_of_dues_are_dues_and_an_unmapped_type_is_for_admins_only():
    assert policy.event_action("funding", "RemittanceRuleAdded") == "dues.read"
    assert policy.event_action("funding", "DuesRuleAdded") == "dues.read"
    assert policy.event_action("funding", "NoSuchEvent") == "audit.read"
    bank = policy.Principal("b", "bank", "viewer")
    organization = policy.Principal("o", "organization", "viewer")
    assert "dues.read" not in policy.allowed_actions(bank)
    assert "dues.read" in policy.allowed_actions(organization)
