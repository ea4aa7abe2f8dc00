"""People's names in issued documents, sealed per person (PIPL crypto-shredding).

An issued document is kept as issued (`numbering`), so the names it prints would outlive an
erasure. At issue the names of the people the context lists (`people`: person id -> name) are
replaced in the stored blocks by a placeholder and kept beside them encrypted with that
person's data key in the gateway's own key table (`gateway.personal_keys`). A download opens
them again; once the gateway has applied org's `PersonErased` (`gateway/feed.py`), the key is
gone and the document prints 已删除 in their place, while its number, text hash and the rest
stay. A name that also occurs inside another text of the document (a cooperative named after
its chair) is replaced there too: the erasure then covers it as well.
"""

from __future__ import annotations

from typing import Any

from eventkit.identifiers import ERASED
from eventkit.personal import KeyStore, decrypt_value, encrypt_value, is_sealed

FIELD = "name"


def placeholder(person_id: str) -> str:
    return f"⟦person:{person_id}⟧"


def _replace(value: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for old, new in pairs:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace(v, pairs) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pairs) for k, v in value.items()}
    return value


def people_of(context: dict[str, Any]) -> dict[str, str]:
    """The named people of a document's context (only real names: an empty or already
    erased name has nothing to seal)."""
    return {pid: name for pid, name in (context.get("people") or {}).items()
            if pid and isinstance(name, str) and name.strip() and name != ERASED}


def seal(cur: Any, schema: str, document: dict[str, Any],
         people: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The document with each person's name as a placeholder, and the sealed names."""
    if not people:
        return document, {}
    keys = KeyStore(schema).for_writing(cur, people)
    sealed: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    # the longest names first, so 王小明 is not cut by a 王小 of another person
    for pid, name in sorted(people.items(), key=lambda p: -len(p[1])):
        key = keys.get(pid)
        sealed[pid] = encrypt_value(key, pid, FIELD, name) if key is not None else ERASED
        pairs.append((name, placeholder(pid)))
    return _replace(document, pairs), sealed


def open_(cur: Any, schema: str, document: dict[str, Any],
          sealed: dict[str, str] | None) -> dict[str, Any]:
    """The document with the names back in (已删除 for an erased person)."""
    if not sealed:
        return document
    keys = KeyStore(schema).load(cur, sealed)
    pairs = []
    for pid, token in sealed.items():
        key = keys.get(pid)
        name = (decrypt_value(key, pid, FIELD, token)
                if key is not None and is_sealed(token) else ERASED)
        pairs.append((placeholder(pid), name))
    return _replace(document, pairs)
