"""GB/T 9704-2012 measures (党政机关公文格式) shared by the PDF and DOCX renderers and the tests."""

from __future__ import annotations

MM = 72 / 25.4  # points per millimetre

PAGE_W_MM, PAGE_H_MM = 210.0, 297.0  # A4
TOP_MM = 37.0  # 天头 (top margin)
LEFT_MM = 28.0  # 订口 (left margin)
TYPE_W_MM, TYPE_H_MM = 156.0, 225.0  # 版心
RIGHT_MM = PAGE_W_MM - LEFT_MM - TYPE_W_MM  # 26
BOTTOM_MM = PAGE_H_MM - TOP_MM - TYPE_H_MM  # 35

TITLE_PT = 22.0  # 2号 小标宋
BODY_PT = 16.0  # 3号 仿宋
NOTE_PT = 14.0  # 4号: page numbers, 版记
TABLE_PT = 12.0  # 小4号: form cells
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_PT = TYPE_H_MM * MM / LINES_PER_PAGE  # 28.99 pt
CHAR_PITCH_PT = TYPE_W_MM * MM / CHARS_PER_LINE  # 15.79 pt

MARK_TOP_DOWNWARD_MM = 35.0  # 发文机关标志上边缘至版心上边缘 (下行文、平行文)
MARK_TOP_UPWARD_MM = 80.0  # 上行文 (请示)
RULE_BELOW_NUMBER_MM = 4.0  # 红色分隔线在发文字号之下 4 mm
RED = (0.9, 0.0, 0.0)  # the red of the mark and the separator

# the fonts a Chinese office has, named in DOCX files (Word and WPS substitute their own)
DOCX_FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "h1": "黑体", "h2": "楷体_GB2312",
              "note": "宋体"}
