"""The org service's RPC entrypoints, one mixin per resource (composed in service.py)."""
