"""One Jinja2 text template per document kind (templates/<kind>.txt), adaptable by an office.

A template renders to front matter (`key: value` lines: title, subtitle, addressee,
signature, attachment (repeatable)), a line `---`, then the body: paragraphs separated by
blank lines, each a block by its first characters:
`# ` 黑体 heading, `## ` 楷体 heading, `< ` flush left, `> ` flush right, `^ ` centred,
`@ ` signature line, `| a | b |` table rows (consecutive lines), anything else an indented
paragraph. A line starting with a backslash is plain text (data never becomes markup: the
`paras` and `one` filters escape it). `DOCUMENTS_TEMPLATES` names a folder whose files take
precedence over the shipped ones, so an office keeps its wording across upgrades.
Templates run in Jinja's sandbox: an edited template can read the data, nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from gateway.documents.model import Block

HERE = Path(__file__).resolve().parent / "templates"
PREFIXES = (("## ", "h2"), ("# ", "h1"), ("< ", "left"), ("> ", "right"), ("^ ", "center"),
            ("@ ", "sign"))
FRONT_KEYS = ("title", "subtitle", "addressee", "signature", "attachment")


def _one(value: Any) -> str:
    """A value on one line, never read as markup."""
    text = " ".join(str("" if value is None else value).split())
    return text.replace("|", "｜")


def _paras(value: Any) -> str:
    """Free text as paragraphs: each of its lines a plain paragraph."""
    lines = [" ".join(line.split()) for line in str(value or "").splitlines()]
    return "\n\n".join("\\" + line for line in lines if line)


def _yuan(fen: Any) -> str:
    if fen is None:
        return ""
    return f"{int(fen) / 100:,.2f}元"


def environment() -> SandboxedEnvironment:
    loaders = [FileSystemLoader(str(HERE))]
    extra = os.environ.get("DOCUMENTS_TEMPLATES")
    if extra:
        loaders.insert(0, FileSystemLoader(extra))
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=False,
                               undefined=StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(one=_one, paras=_paras, yuan=_yuan)
    return env


def render(kind: str, context: dict[str, Any]) -> tuple[dict[str, Any], list[Block]]:
    """The kind's template filled in: (front matter, body blocks)."""
    text = environment().get_template(f"{kind}.txt").render(**context)
    return parse(text)


def parse(text: str) -> tuple[dict[str, Any], list[Block]]:
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise ValueError("a document template needs a '---' line after its front matter")
    front: dict[str, Any] = {"attachments": []}
    for line in head.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key not in FRONT_KEYS:
            raise ValueError(f"unknown front matter key {key!r}")
        if key == "attachment":
            if value:
                front["attachments"].append(value)
        else:
            front[key] = value or None
    return front, _blocks(body)


def _blocks(body: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in body.split("\n\n"):
        lines = [line.strip() for line in chunk.strip("\n").splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("|"):
            rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
                    for line in lines if line.startswith("|")]
            blocks.append(Block("table", rows=rows))
            continue
        first = lines[0]
        if first.startswith("\\"):  # each escaped line one paragraph (lists, filtered data)
            paragraphs: list[str] = []
            for line in lines:
                if line.startswith("\\") or not paragraphs:
                    paragraphs.append(line[1:] if line.startswith("\\") else line)
                else:
                    paragraphs[-1] += line
            blocks += [Block("p", text) for text in paragraphs]
            continue
        for prefix, kind in PREFIXES:
            if first.startswith(prefix):
                if kind in ("sign", "right", "left", "center"):
                    # each line its own block: signature and date lines stay separate
                    for line in lines:
                        blocks.append(Block(kind, line[len(prefix):].strip()
                                            if line.startswith(prefix) else line))
                else:
                    blocks.append(Block(kind, "".join([first[len(prefix):], *lines[1:]])))
                break
        else:
            blocks.append(Block("p", "".join(lines)))
    return blocks
