"""The console (console/, built into console/dist by `make run`) served at `/`.

Files under `assets/` carry a content hash in their names: cached for a year. Any other path
that is not a file but starts with one of the app's pages (`APP_PAGES`, the top-level paths of
console/src/router.js) gets `index.html` (never cached, so a new build is picked up at once);
any other unknown path is a problem+json 404, as it was before the console.
Text files are sent gzip-compressed to browsers that accept it, compressed once per process.
Paths under `/api/` never fall back to the app: an unknown API path stays a problem+json 404.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
import threading
from pathlib import Path

from werkzeug.wrappers import Response

from gateway.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
_COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".ico")
_cache: dict[Path, tuple[float, bytes, bytes]] = {}
_lock = threading.Lock()

NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>团工委工作台</title>
<body style="font-family:sans-serif;padding:2em"><h1>工作台尚未构建</h1>
<p>请运行 <code>make run</code>（会用 npm 构建 console/）。The console is not built yet:
run <code>make run</code>. The API answers under <code>/api/v1</code>.</p></body></html>"""


# The first path segments of console/src/router.js's pages: only these fall back to the app.
APP_PAGES = frozenset({
    "committee", "tree", "cooperatives", "members", "activities", "funds", "credit",
    "assessment", "service-requests", "departments", "audit", "users", "login", "letters",
})


def dist() -> Path:
    return Path(os.environ.get("CONSOLE_DIST") or ROOT / "console" / "dist")


def _read(path: Path) -> tuple[bytes, bytes]:
    mtime = path.stat().st_mtime
    with _lock:
        hit = _cache.get(path)
        if hit and hit[0] == mtime:
            return hit[1], hit[2]
    raw = path.read_bytes()
    packed = gzip.compress(raw, 9) if path.suffix in _COMPRESSIBLE else b""
    with _lock:
        _cache[path] = (mtime, raw, packed)
    return raw, packed


def serve(path: str, accept_encoding: str = "") -> Response:
    if path == "api" or path.startswith("api/"):
        return Problem(404, f"no resource at /{path}").response()
    base = dist().resolve()
    target = (base / path).resolve() if path else base / "index.html"
    if base not in target.parents and target != base / "index.html" or not target.is_file():
        if path and path.split("/", 1)[0] not in APP_PAGES:
            return Problem(404, f"no resource at /{path}").response()
        target = base / "index.html"
    if not target.is_file():
        return Response(NOT_BUILT, status=503, mimetype="text/html")
    raw, packed = _read(target)
    mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": "public, max-age=31536000, immutable"
               if target.parent.name == "assets" else "no-cache",
               "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff"}
    body = raw
    if packed and "gzip" in accept_encoding:
        body = packed
        headers["Content-Encoding"] = "gzip"
    if mime.startswith("text/") or mime in ("application/javascript", "application/json"):
        mime += "; charset=utf-8"
    return Response(body, status=200, headers=headers, content_type=mime)
