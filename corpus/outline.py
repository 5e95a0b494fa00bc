"""A document's chapter tree, as `planqa docs` and the page show it."""

from __future__ import annotations

from planqa.corpus.models import Document


def outline(doc: Document) -> list[dict]:
    """[{title, sections: [...]}] for the chapter-level headings; sections whose chapter was lost
    in extraction are listed under the chapter they were filed under (or one marked as missing)."""
    blocks = [b for b in doc.blocks if b.heading is not None]
    chapters: list[dict] = []
    index: dict[str, dict] = {}
    for b in blocks:
        if b.chapter and b.chapter == b.heading.title:
            entry = {"title": b.chapter, "sections": []}
            chapters.append(entry)
            index[b.chapter] = entry
        elif b.section and b.section == b.heading.title:
            key = b.chapter or "（章标题缺失）"
            if key not in index:
                index[key] = {"title": key, "sections": [], "missing_heading": True}
                chapters.append(index[key])
            index[key]["sections"].append(b.section)
    return chapters
