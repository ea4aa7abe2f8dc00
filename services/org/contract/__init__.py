"""The published contract of the org service: what the gateway and other services may
import. Request and answer schemas (`schemas`), enums (`enums`), the RPC interface
(`rpc`) and event schemas (`events`); it depends only on marshmallow and the kernel.
"""
