"""Every event field that looks personal is declared: encrypted per person, or said not to be
personal (a cooperative's or a venue's name). A new `phone` field nobody declared fails here."""

from __future__ import annotations

import importlib

import pytest
from marshmallow import fields

from deploy.services import SERVICES
from eventkit.personal import declaration, looks_personal


def _names(schema_cls, prefix: str = "") -> list[str]:
    out = []
    for name, field in schema_cls().fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            out += _names(type(inner.schema), f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def _schemas():
    for service in SERVICES:
        registry = importlib.import_module(f"services.{service}.contract.events").registry
        for (event_type, version), (schema, _decl) in sorted(registry.declarations().items()):
            yield pytest.param(schema, id=f"{service}.{event_type}.v{version}")


@pytest.mark.parametrize("schema", list(_schemas()))
def test_personal_looking_fields_are_declared(schema):
    decl = declaration(schema)
    declared = set(decl.fields + decl.not_personal) if decl else set()
    undeclared = [n for n in _names(schema) if looks_personal(n.split(".")[-1])
                  and n not in declared]
    assert undeclared == [], f"declare these personal or not_personal: {undeclared}"


@pytest.mark.parametrize("schema", list(_schemas()))
def test_declared_fields_exist(schema):
    decl = declaration(schema)
    if decl is None:
        return
    names = set(_names(schema))
    assert set(decl.fields + decl.not_personal) <= names
    if decl.subject is not None:
        assert decl.subject in names
