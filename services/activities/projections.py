"""activities's own read models, updated in the command's transaction (and on rebuild)."""

from __future__ import annotations

from eventkit.projection import Projector

projector = Projector("activities", tables=[])
