"""Lines that carry nothing of the document: page markers, mirror chrome, injected text.

Each row is (pattern over the whole normalised line, why it is dropped); a new kind of
noise is a new row.
"""

from __future__ import annotations

import re

NOISE = (
    (re.compile(r"^[—－\-–]\s*\d+\s*[—－\-–]$"), "page marker"),
    (re.compile(r"^\d{1,4}$"), "lone page number"),
    (re.compile(r"^【文库】.*"), "文库 page marker"),
    (re.compile(r"^(首页\s*[>＞]|当前位置：).*"), "site navigation"),
    (re.compile(r"^(上一篇：|下一篇：|打印本页|关闭窗口|返回顶部).*"), "site navigation"),
    (re.compile(r"^(相关推荐|相关文章|猜你喜欢)$"), "mirror chrome (recommendations)"),
    (re.compile(r"^来源：.*(浏览次数|访问次数|点击数|字体：).*"), "page chrome"),
    (re.compile(r".*(客服热线|扫描.*二维码|手机访问).*"), "phone number / QR prompt"),
    (re.compile(r"^本文来源于网络.*|.*如有侵权请联系删除.*"), "injected mirror text"),
    (re.compile(r"^\|?\s*:?-{3,}.*"), "pipe-table separator row"),
)


def why_noise(text: str) -> str | None:
    """Why a line is noise, or None if it is not."""
    text = text.strip()
    return next((why for pattern, why in NOISE if pattern.fullmatch(text)), None)
