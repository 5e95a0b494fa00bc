"""The main text of a web page saved from a government site, without its navigation.

readability-lxml (Apache-2.0, the Arc90 Readability algorithm) finds the article by scoring blocks on
their text, link density and class/id hints (content/article vs nav/menu/footer/sidebar) — the signals
a hand-written extractor would use, tried on far more sites. It returns the article's own HTML, so
headings, lists and tables stay for the loader. (trafilatura was tried first: it dropped the <h2>
chapter headings of a plan page.)
"""

from __future__ import annotations

import logging

# below this share of the page's text the extractor kept a fragment (a page that is one big table, or
# a list of links): then the whole page is read; boilerplate lines are still removed by the cleaner
_MIN_SHARE = 0.2


def _chars(markup: str) -> int:
    from lxml import html as lxml_html

    return len("".join(lxml_html.fromstring(markup).text_content().split()))


def main_content(page: str) -> str:
    """HTML of the page's main article; the page itself when none is found."""
    logging.getLogger("readability").setLevel(logging.ERROR)  # its per-page notes are for the log
    from readability import Document

    try:
        article = Document(page).summary(html_partial=True)
        if _chars(article) >= _MIN_SHARE * _chars(page):
            return article
    except Exception:  # odd markup must not lose the page: read all of it instead
        pass
    return page
