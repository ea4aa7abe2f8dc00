"""The yearly work menu (工作菜单): items the committee recommends; units adopt them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation

from ._common import clean_id, clean_text, parse_date, require_date
from .activity import ACTIVITY_KINDS, HELD, ActivityFacts

DRAFT = "draft"
PUBLISHED = "published"


@dataclass
class MenuItem:
    item_id: str
    title: str
    kind: str
    description: str
    suggested_months: list[int]
    withdrawn: bool = False


def item_usable(menu_status: str, withdrawn: bool) -> bool:
    """A work-menu item may be planned from while its menu is published and the item is not
    withdrawn."""
    return menu_status == "published" and not withdrawn


class WorkMenu(Aggregate):
    stream_prefix = "work_menu"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status = ""
        self.year = 0
        self.title = ""
        self.published_on: date | None = None
        self.items: dict[str, MenuItem] = {}
        # unit id -> adopted item ids, in adoption order
        self.adoptions: dict[str, list[str]] = {}

    def draft(self, *, year: int, title: str) -> None:
        if self.exists:
            raise RuleViolation("work menu already drafted", {})
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            raise InvalidInput.field("year", "must be a year between 2000 and 2100")
        self._record("WorkMenuDrafted", {"year": year, "title": clean_text("title", title)})

    def add_item(
        self,
        item_id: str,
        *,
        title: str,
        kind: str,
        description: str = "",
        suggested_months: Sequence[int] = (),
    ) -> None:
        """Items may be added after publication too (the menu grows over the year)."""
        self._require_exists()
        ident = clean_id("item_id", item_id)
        if ident in self.items:
            raise RuleViolation("item already on the menu", {"item_id": ident})
        if kind not in ACTIVITY_KINDS:
            raise InvalidInput.field("kind", "must be one of " + ", ".join(ACTIVITY_KINDS))
        months = list(suggested_months)
        if any(isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12 for m in months):
            raise InvalidInput.field("suggested_months", "must be months 1-12")
        if len(set(months)) != len(months):
            raise InvalidInput.field("suggested_months", "must not repeat a month")
        self._record(
            "WorkMenuItemAdded",
            {
                "item_id": ident,
                "title": clean_text("title", title),
                "kind": kind,
                "description": clean_text("description", description, max_len=5000,
                                          required=False),
                "suggested_months": sorted(months),
            },
        )

    def withdraw_item(self, item_id: str, *, reason: str) -> None:
        item = self._item(item_id)
        if item.withdrawn:
            raise RuleViolation("item already withdrawn", {"item_id": item.item_id})
        self._record(
            "WorkMenuItemWithdrawn",
            {"item_id": item.item_id, "reason": clean_text("reason", reason)},
        )

    def publish(self, *, published_on: date) -> None:
        self._require_exists()
        if self.status == PUBLISHED:
            raise RuleViolation("work menu already published", {})
        if not any(not i.withdrawn for i in self.items.values()):
            raise RuleViolation("a work menu needs at least one item to publish", {})
        self._record(
            "WorkMenuPublished", {"published_on": require_date("published_on", published_on)
                                  .isoformat()}
        )

    def adopt(self, unit_id: str, item_id: str, *, adopted_on: date) -> None:
        if self.status != PUBLISHED:
            raise RuleViolation(
                "work menu is not published", {"current_status": self.status or None}
            )
        unit = clean_id("unit_id", unit_id)
        item = self._item(item_id)
        if item.withdrawn:
            raise RuleViolation("item withdrawn", {"item_id": item.item_id})
        if item.item_id in self.adoptions.get(unit, []):
            raise RuleViolation("item already adopted", {"unit_id": unit, "item_id": item.item_id})
        self._record(
            "WorkMenuItemAdopted",
            {
                "unit_id": unit,
                "item_id": item.item_id,
                "adopted_on": require_date("adopted_on", adopted_on).isoformat(),
            },
        )

    def drop_adoption(self, unit_id: str, item_id: str, *, reason: str) -> None:
        unit = clean_id("unit_id", unit_id)
        item = clean_id("item_id", item_id)
        if item not in self.adoptions.get(unit, []):
            raise RuleViolation("item not adopted by this unit", {"unit_id": unit, "item_id": item})
        self._record(
            "WorkMenuAdoptionDropped",
            {"unit_id": unit, "item_id": item, "reason": clean_text("reason", reason)},
        )

    def _require_exists(self) -> None:
        if not self.exists:
            raise RuleViolation("work menu not drafted", {})

    def _item(self, item_id: str) -> MenuItem:
        ident = clean_id("item_id", item_id)
        if ident not in self.items:
            raise RuleViolation("no such item on the menu", {"item_id": ident})
        return self.items[ident]

    def _on_work_menu_drafted(self, data: dict[str, Any]) -> None:
        self.status = DRAFT
        self.year = data["year"]
        self.title = data["title"]

    def _on_work_menu_item_added(self, data: dict[str, Any]) -> None:
        self.items[data["item_id"]] = MenuItem(
            data["item_id"], data["title"], data["kind"], data["description"],
            list(data["suggested_months"]),
        )

    def _on_work_menu_item_withdrawn(self, data: dict[str, Any]) -> None:
        self.items[data["item_id"]].withdrawn = True

    def _on_work_menu_published(self, data: dict[str, Any]) -> None:
        self.status = PUBLISHED
        self.published_on = parse_date(data["published_on"])

    def _on_work_menu_item_adopted(self, data: dict[str, Any]) -> None:
        self.adoptions.setdefault(data["unit_id"], []).append(data["item_id"])

    def _on_work_menu_adoption_dropped(self, data: dict[str, Any]) -> None:
        self.adoptions[data["unit_id"]].remove(data["item_id"])


@dataclass(frozen=True)
class ItemAdoption:
    item_id: str
    title: str
    withdrawn: bool
    adopted_by: tuple[str, ...]
    delivered_by: tuple[str, ...]  # adopting units with a held activity linked to the item

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "withdrawn": self.withdrawn,
            "adopted_by": list(self.adopted_by),
            "delivered_by": list(self.delivered_by),
        }


@dataclass(frozen=True)
class AdoptionReport:
    year: int
    items: tuple[ItemAdoption, ...]
    units_adopting: tuple[str, ...]
    units_not_adopting: tuple[str, ...]
    adoption_rate: float | None  # share of the given units that adopted at least one item

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "items": [i.to_dict() for i in self.items],
            "units_adopting": list(self.units_adopting),
            "units_not_adopting": list(self.units_not_adopting),
            "adoption_rate": self.adoption_rate,
        }


def adoption_report(
    menu: WorkMenu, unit_ids: Iterable[str], activities: Iterable[ActivityFacts]
) -> AdoptionReport:
    """Which units adopted which items, and which delivered them: an adopting unit
    delivered an item when an activity it organized or co-organized, linked to the item,
    was held in the menu's year."""
    units = sorted(set(unit_ids))
    delivered: dict[str, set[str]] = {}
    for fact in activities:
        if (
            fact.status == HELD
            and fact.work_menu_item_id
            and fact.held_on is not None
            and fact.held_on.year == menu.year
        ):
            delivered.setdefault(fact.work_menu_item_id, set()).update(fact.unit_ids)
    items = []
    for item in menu.items.values():
        adopters = tuple(sorted(u for u, ids in menu.adoptions.items() if item.item_id in ids))
        done = tuple(u for u in adopters if u in delivered.get(item.item_id, set()))
        items.append(ItemAdoption(item.item_id, item.title, item.withdrawn, adopters, done))
    adopting = tuple(u for u in units if menu.adoptions.get(u))
    not_adopting = tuple(u for u in units if not menu.adoptions.get(u))
    rate = None if not units else len(adopting) / len(units)
    return AdoptionReport(menu.year, tuple(items), adopting, not_adopting, rate)
