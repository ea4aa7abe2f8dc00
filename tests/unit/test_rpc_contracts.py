"""Each service's published RPC interface (services/<svc>/contract/rpc.py) is the service's:
the same methods with the same parameters. Regenerate with `python -m deploy.rpc_contract`."""

from __future__ import annotations

import importlib
import inspect

import pytest

from deploy.rpc_contract import CLASSES, rpc_methods


@pytest.mark.parametrize("svc", sorted(CLASSES))
def test_the_contract_lists_exactly_the_services_rpcs(svc: str) -> None:
    service = getattr(importlib.import_module(f"services.{svc}.service"), CLASSES[svc])
    contract = getattr(importlib.import_module(f"services.{svc}.contract.rpc"),
                       f"{svc.capitalize()}Rpc")
    served = rpc_methods(service)
    published = {name: inspect.signature(fn) for name, fn in vars(contract).items()
                 if inspect.isfunction(fn) and not name.startswith("__")}
    assert sorted(published) == sorted(served), "run: python -m deploy.rpc_contract " + svc
    for name, sig in served.items():
        assert list(published[name].parameters) == list(sig.parameters), name
        assert [p.default for p in published[name].parameters.values()] == [
            p.default for p in sig.parameters.values()], name
