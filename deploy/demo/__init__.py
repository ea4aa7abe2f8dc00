"""`make demo`: a realistic demo county loaded through the public API (never by writing tables).

Each slice has its own module with `load(client, state) -> None`; they run in this order and
share `state` (ids of what earlier modules created).
"""
