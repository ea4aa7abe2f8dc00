"""Importing this package registers every route module's routes."""

from gateway.routes import cooperatives  # noqa: F401
