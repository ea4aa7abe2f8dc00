"""Event schema registry: one marshmallow schema per (event type, version), and upcasters.

A stored event is never rewritten; it is upcast (pure dict -> dict functions, one step per
version) to the current version when read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError

from eventkit.errors import InvalidInput
from eventkit.personal import Personal, declaration

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class EventRegistry:
    # every registry made, with the module that made it: checks that must cover every event
    # type of every service (the feed's event-to-action map) walk these
    instances: ClassVar[list[EventRegistry]] = []

    def __init__(self, service: str) -> None:
        self.service = service
        self.module = str(sys._getframe(1).f_globals.get("__name__", ""))
        EventRegistry.instances.append(self)
        self._schemas: dict[str, dict[int, type[Schema]]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        self._loaders: dict[tuple[str, int], Schema] = {}

    def event(self, event_type: str,
              version: int = 1) -> Callable[[type[Schema]], type[Schema]]:
        """Class decorator registering the schema of `event_type` at `version`."""

        def register(schema: type[Schema]) -> type[Schema]:
            versions = self._schemas.setdefault(event_type, {})
            if version in versions:
                raise ValueError(f"{event_type} v{version} registered twice")
            versions[version] = schema
            return schema

        return register

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        def register(fn: Upcaster) -> Upcaster:
            self._upcasters[(event_type, from_version)] = fn
            return fn

        return register

    def types(self) -> list[str]:
        return sorted(self._schemas)

    def current_version(self, event_type: str) -> int:
        try:
            return max(self._schemas[event_type])
        except KeyError:
            raise KeyError(
                f"event type {event_type!r} is not registered in {self.service}") from None

    def schema(self, event_type: str, version: int | None = None) -> type[Schema]:
        versions = self._schemas[event_type]
        return versions[version if version is not None else max(versions)]

    def personal(self, event_type: str, version: int | None = None) -> Personal | None:
        """The personal-field declaration of an event schema (None: nothing personal)."""
        try:
            decl = declaration(self.schema(event_type, version))
        except KeyError:
            return None
        return decl if decl is not None and decl.fields else None

    def declarations(self) -> dict[tuple[str, int], tuple[type[Schema], Personal | None]]:
        return {(t, v): (schema, declaration(schema))
                for t, versions in self._schemas.items() for v, schema in versions.items()}

    def validate(self, event_type: str, data: dict[str, Any]) -> int:
        """Check new event data against the current schema; returns the schema version."""
        version = self.current_version(event_type)
        loader = self._loaders.get((event_type, version))
        if loader is None:
            # one instance per schema: building one costs more than loading with it
            loader = self._loaders[(event_type, version)] = \
                self.schema(event_type, version)(unknown=RAISE)
        try:
            loader.load(data)
        except ValidationError as err:
            # An aggregate emitting data its own schema refuses is a programming error,
            # but report it the same way as bad input so nothing is stored.
            raise InvalidInput(f"event {event_type} invalid", {"errors": err.messages}) from err
        return version

    def upcast(self, event_type: str, version: int,
               data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        current = self.current_version(event_type)
        while version < current:
            step = self._upcasters.get((event_type, version))
            if step is None:
                raise LookupError(f"no upcaster for {event_type} v{version}")
            data = step(dict(data))
            version += 1
        return version, data

    def catalogue(self) -> list[dict[str, Any]]:
        """Name, version and fields of every event: the source of docs/events.md."""
        out = []
        for event_type in self.types():
            version = self.current_version(event_type)
            schema = self.schema(event_type, version)()
            fields = {
                name: type(field).__name__ + ("" if field.required else " (optional)")
                for name, field in schema.fields.items()
            }
            decl = declaration(type(schema))
            for name in decl.fields if decl else ():
                if name in fields:
                    fields[name] += " (personal, encrypted)"
            out.append({"type": event_type, "version": version, "fields": fields})
        return out
