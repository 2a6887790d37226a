"""What a screen reader and a mail client without images make of a notification e-mail's HTML part."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

LAYOUT = {"table", "img", "script", "style", "iframe", "font", "center"}
VAGUE = {"click here", "here", "link", "ici", "hier", "cliquez ici", "klik hier", "more", "plus"}


@dataclass
class Outline:
    lang: str = ""
    tags: list[str] = field(default_factory=list)
    section_langs: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, link text)
    headings: list[str] = field(default_factory=list)
    text: str = ""

    def problems(self) -> list[str]:
        found = []
        if self.lang not in ("nl", "fr", "de"):
            found.append(f"<html lang> is {self.lang!r}")
        found += [f"<{tag}> (layout, images or script)" for tag in LAYOUT & set(self.tags)]
        if "h1" not in self.tags:
            found.append("no <h1>")
        for href, text in self.links:
            if not text.strip() or text.strip().lower() in VAGUE or text.strip() == href:
                found.append(f"link to {href} says {text!r}, not where it leads")
        return found


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.outline = Outline()
        self._link: list[str] | None = None
        self._heading: list[str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.outline.tags.append(tag)
        if tag == "html":
            self.outline.lang = named.get("lang") or ""
        if tag == "section" and named.get("lang"):
            self.outline.section_langs.append(str(named["lang"]))
        if tag == "a":
            self._link = [named.get("href") or ""]
        if tag in ("h1", "h2"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.outline.links.append((self._link[0], "".join(self._link[1:])))
            self._link = None
        if tag in ("h1", "h2") and self._heading is not None:
            self.outline.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        for collecting in (self._link, self._heading):
            if collecting is not None:
                collecting.append(data)


def outline(html: str) -> Outline:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.outline.text = "".join(reader._text)
    return reader.outline
