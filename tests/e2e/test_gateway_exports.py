"""CSV and XLSX exports of the lists: masked, in scope, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from gateway import exports
from tests.e2e import test_gateway_kit as kit


@pytest.fixture(scope="module")
def world(api):
    return kit.tree(api)


def _csv(r) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv")
    assert r.headers["Content-Disposition"].startswith("attachment;")
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_members_roster_exports_as_csv_masked(api, world):
    r = api.get("/api/v1/exports/members.csv?lang=en")
    rows = _csv(r)
    ids = {row["id"] for row in rows}
    assert {world["member_a"]["id"], world["member_b"]["id"]} <= ids
    assert "13812345678" not in r.text
    for row in rows:
        if row.get("phone"):
            assert row["phone"].startswith("*") and len(row["phone"]) == 11
    [mine] = [row for row in rows if row["id"] == world["member_a"]["id"]]
    assert mine["unit_id"] == world["a"]


def test_a_scoped_export_holds_only_the_scope(api, world):
    scoped = api.token("organization", "viewer", unit=world["a"])
    rows = _csv(api.get("/api/v1/exports/members.csv?lang=en", token=scoped))
    assert [row["id"] for row in rows] == [world["member_a"]["id"]]


def test_the_xlsx_export_has_the_same_rows(api, world):
    scoped = api.token("organization", "viewer", unit=world["b"])
    r = api.get("/api/v1/exports/members.xlsx?lang=en", token=scoped)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == exports.XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    sheet = book.worksheets[0]
    header, *data = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "id" in header and "resident_id" not in header or all(
        str(row[header.index("resident_id")]).startswith("*") for row in data)
    assert [row[header.index("id")] for row in data] == [world["member_b"]["id"]]


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(api, world):
    coop = kit.cooperative(api, name="=HYPERLINK(\"http://x\")", chair="+Wang")
    rows = _csv(api.get("/api/v1/exports/cooperatives.csv?lang=en"))
    [row] = [row for row in rows if row["id"] == coop["id"]]
    assert row["name"] == "'=HYPERLINK(\"http://x\")" and row["chair"] == "'+Wang"


def test_every_export_answers_both_formats(api, world):
    for name in exports.EXPORTS:
        assert api.get(f"/api/v1/exports/{name}.csv").status_code == 200
        r = api.get(f"/api/v1/exports/{name}.xlsx")
        assert r.status_code == 200 and r.content[:2] == b"PK"  # a zip: the xlsx container


def test_an_export_needs_the_lists_read_action(api, world):
    assert api.get("/api/v1/exports/members.csv", token=api.token("tax", "admin")).status_code \
        == 403
    assert api.get("/api/v1/exports/cooperatives.csv",
                   token=api.token("tax", "viewer")).status_code == 200


def test_exports_have_chinese_headers_and_labels_by_default(api, world):
    rows = _csv(api.get("/api/v1/exports/members.csv"))
    assert rows and {"编号", "所属团组织", "类别", "状态"} <= set(rows[0])
    [mine] = [row for row in rows if row["编号"] == world["member_a"]["id"]]
    assert mine["类别"] in ("团员", "青年") and mine["状态"] == "在册"
    book = openpyxl.load_workbook(io.BytesIO(
        api.get("/api/v1/exports/cooperatives.xlsx?lang=zh-CN").content), read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert "统一社会信用代码" in header and "理事长" in header
    assert api.get("/api/v1/exports/members.csv?lang=fr").status_code == 422
