"""The assessment service's enums: the API's codes (their zh-CN and English labels are beside,
in `labels.py`). Its domain, schemas and events use these."""

from __future__ import annotations


