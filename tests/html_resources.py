"""Find what an HTML page would fetch from other hosts: URLs in resource attributes and CSS."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_RESOURCE_ATTRIBUTES = {"src", "href", "srcset", "data", "poster", "action", "background"}
_EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])\s*((?:https?:)?//[^'\")\s]+)", re.I)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.external: list[str] = []
        self.tags: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if not value:
                continue
            if name in _RESOURCE_ATTRIBUTES and _EXTERNAL.match(value):
                self.external.append(f"<{tag} {name}={value}>")
            if name == "style":
                self.external += _CSS_URL.findall(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.external += _CSS_URL.findall(data)


def scan(page_html: str) -> tuple[list[str], list[str]]:
    """(external resource references in the markup and CSS, every tag name in document order).

    Script bodies are not parsed as markup; callers check what scripts fetch separately.
    """
    collector = _Collector()
    collector.feed(page_html)
    collector.close()
    return collector.external, collector.tags
