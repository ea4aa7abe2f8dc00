"""The console's history-mode fallback covers only the app's own pages."""

from __future__ import annotations

import json

from gateway import console


def test_only_app_pages_fall_back_to_the_app(tmp_path, monkeypatch):
    (tmp_path / "index.html").write_text("<!doctype html><title>团工委工作台</title>")
    monkeypatch.setenv("CONSOLE_DIST", str(tmp_path))
    page = console.serve("cooperatives/some-id")
    assert page.status_code == 200 and "团工委工作台" in page.get_data(as_text=True)
    assert console.serve("").status_code == 200
    missing = console.serve("nowhere")
    assert missing.status_code == 404
    assert json.loads(missing.get_data())["status"] == 404
    assert console.serve("api/v1/nowhere").status_code == 404
