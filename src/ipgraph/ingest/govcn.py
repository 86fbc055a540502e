"""The labels of the metadata block gov.cn pages print before a document (索引号, 发布机构, 文号, …).

Read both from web pages (``formats.html``) and from text copies of them (``reader.notice``).
"""

from __future__ import annotations

# Labels as printed (spaces inside removed) → the canonical key.
METADATA_KEYS = {
    "索引号": "索引号",
    "分类": "分类",
    "主题分类": "分类",
    "发布机构": "发布机构",
    "发文机关": "发布机构",
    "文号": "文号",
    "发文字号": "文号",
    "成文日期": "成文日期",
    "发布日期": "发布日期",
    "有效性": "有效性",
    "名称": "名称",
}
