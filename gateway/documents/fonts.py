"""The free CJK fonts embedded in the PDFs, from Debian's packages (deploy/platform.sh installs
fonts-arphic-uming, fonts-arphic-ukai and fonts-wqy-zenhei).

In place of the office fonts: 宋 (title, with a faux bold stroke as 小标宋) and 仿宋 (body):
AR PL UMing; 楷: AR PL UKai; 黑: WenQuanYi Zen Hei. reportlab embeds subsets of TrueType
outlines (Noto CJK's CFF outlines it cannot embed).
"""

from __future__ import annotations

import os
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRS = [os.environ.get("DOCUMENTS_FONT_DIR", ""), "/usr/share/fonts/truetype",
             "/usr/local/share/fonts", "/usr/share/fonts"]
FACES = {  # role -> (reportlab name, file, debian package)
    "song": ("CL-Song", "arphic/uming.ttc", "fonts-arphic-uming"),
    "kai": ("CL-Kai", "arphic/ukai.ttc", "fonts-arphic-ukai"),
    "hei": ("CL-Hei", "wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei"),
}
_registered: set[str] = set()


class FontMissing(RuntimeError):
    pass


def path_of(role: str) -> Path:
    _, rel, package = FACES[role]
    for base in FONT_DIRS:
        if base and (Path(base) / rel).is_file():
            return Path(base) / rel
    raise FontMissing(f"font {rel} not found: apt-get install {package}")


def face(role: str) -> str:
    """The reportlab font name of a role, registered on first use."""
    name = FACES[role][0]
    if name not in _registered:
        pdfmetrics.registerFont(TTFont(name, str(path_of(role)), subfontIndex=0))
        _registered.add(name)
    return name
