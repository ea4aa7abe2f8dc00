"""A unit's online channel: its WeChat group (团青微信群) as metadata, no messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation

from ._common import (
    clean_id,
    clean_optional_id,
    clean_text,
    non_negative_int,
    parse_date,
    require_date,
)

ACTIVE = "active"
CLOSED = "closed"


class WeChatGroup(Aggregate):
    """One WeChat group of one unit (a unit may have several, e.g. per township)."""

    stream_prefix = "wechat_group"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status = ""
        self.unit_id = ""
        self.name = ""
        self.admin_name = ""
        self.admin_member_id: str | None = None
        self.member_count = 0
        self.member_count_as_of: date | None = None

    def register(
        self,
        *,
        unit_id: str,
        name: str,
        admin_name: str,
        member_count: int,
        as_of: date,
        admin_member_id: str | None = None,
    ) -> None:
        if self.exists:
            raise RuleViolation("group already registered", {})
        self._record(
            "WeChatGroupRegistered",
            {
                "unit_id": clean_id("unit_id", unit_id),
                "name": clean_text("name", name, max_len=100),
                "admin_name": clean_text("admin_name", admin_name, max_len=100),
                "admin_member_id": clean_optional_id("admin_member_id", admin_member_id),
                "member_count": non_negative_int("member_count", member_count),
                "as_of": require_date("as_of", as_of).isoformat(),
            },
        )

    def rename(self, *, name: str) -> None:
        self._require_active()
        new = clean_text("name", name, max_len=100)
        if new == self.name:
            raise InvalidInput.field("name", "is already the group's name")
        self._record("WeChatGroupRenamed", {"name": new})

    def change_admin(self, *, admin_name: str, admin_member_id: str | None = None) -> None:
        self._require_active()
        self._record(
            "WeChatGroupAdminChanged",
            {
                "admin_name": clean_text("admin_name", admin_name, max_len=100),
                "admin_member_id": clean_optional_id("admin_member_id", admin_member_id),
            },
        )

    def report_member_count(self, *, member_count: int, as_of: date) -> None:
        self._require_active()
        day = require_date("as_of", as_of)
        if self.member_count_as_of is not None and day < self.member_count_as_of:
            raise RuleViolation(
                "a newer member count is already recorded",
                {"as_of": self.member_count_as_of.isoformat()},
            )
        self._record(
            "WeChatGroupMemberCountReported",
            {"member_count": non_negative_int("member_count", member_count),
             "as_of": day.isoformat()},
        )

    def close(self, *, closed_on: date, reason: str) -> None:
        self._require_active()
        self._record(
            "WeChatGroupClosed",
            {"closed_on": require_date("closed_on", closed_on).isoformat(),
             "reason": clean_text("reason", reason)},
        )

    def _require_active(self) -> None:
        if self.status != ACTIVE:
            raise RuleViolation(
                f"group is {self.status or 'not registered'}",
                {"current_status": self.status or None},
            )

    def _on_we_chat_group_registered(self, data: dict[str, Any]) -> None:
        self.status = ACTIVE
        self.unit_id = data["unit_id"]
        self.name = data["name"]
        self.admin_name = data["admin_name"]
        self.admin_member_id = data.get("admin_member_id")
        self.member_count = data["member_count"]
        self.member_count_as_of = parse_date(data["as_of"])

    def _on_we_chat_group_renamed(self, data: dict[str, Any]) -> None:
        self.name = data["name"]

    def _on_we_chat_group_admin_changed(self, data: dict[str, Any]) -> None:
        self.admin_name = data["admin_name"]
        self.admin_member_id = data.get("admin_member_id")

    def _on_we_chat_group_member_count_reported(self, data: dict[str, Any]) -> None:
        self.member_count = data["member_count"]
        self.member_count_as_of = parse_date(data["as_of"])

    def _on_we_chat_group_closed(self, data: dict[str, Any]) -> None:
        self.status = CLOSED
