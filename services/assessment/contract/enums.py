"""The assessment service's enums: the API's codes (zh-CN and English labels are in the
vocabulary served by the gateway). Its domain, schemas and events use these."""

from __future__ import annotations


