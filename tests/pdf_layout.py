"""What a tagged PDF (as headless Chromium prints one) says about its pages, read with the
standard library alone: how many pages, and on which page each piece of every structure
element (heading, table row...) was laid out.

Chromium writes the document's structure tree uncompressed: each ``/StructElem`` names
its kind (``/S /H2``, ``/S /TR``...), its page (``/Pg``) and its kids (``/K``): marked
content on that page (an integer), another element (``N 0 R``), or marked content on
another page (``<</Type /MCR /Pg N 0 R /MCID k>>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OBJECT = re.compile(rb"(?<![0-9])(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_TOKEN = re.compile(rb"<<.*?>>|\d+ 0 R|\d+|\[|\]", re.S)


@dataclass
class Element:
    ident: int
    kind: str
    #: (page number from 1, marked content id) of its own content, in order
    content: list[tuple[int, int]] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    #: a table heading for its column (/Scope /Column)
    column_heading: bool = False


@dataclass
class Layout:
    pages: int
    elements: dict[int, Element]
    root: list[int]

    def walk(self) -> list[tuple[str, int, tuple[int, int] | None]]:
        """Depth first, in reading order: ('enter', element, None), ('content', element,
        (page, mcid)) for each piece of content, ('leave', element, None)."""
        out: list[tuple[str, int, tuple[int, int] | None]] = []

        def visit(ident: int) -> None:
            element = self.elements.get(ident)
            if element is None:
                return
            out.append(("enter", ident, None))
            for kid in element.order:  # type: ignore[attr-defined]
                if isinstance(kid, tuple):
                    out.append(("content", ident, kid))
                else:
                    visit(kid)
            out.append(("leave", ident, None))

        for ident in self.root:
            visit(ident)
        return out

    def pages_of(self, ident: int) -> list[int]:
        """The pages the element's content (its own and its descendants') lies on."""
        found: list[int] = []
        inside = 0
        for event, element, item in self.walk():
            if element == ident and event == "enter":
                inside += 1
            elif element == ident and event == "leave":
                inside -= 1
            elif inside and event == "content" and item is not None:
                found.append(item[0])
        return found

    def of_kind(self, *kinds: str) -> list[Element]:
        """The elements of these kinds, in reading order."""
        order = [ident for event, ident, _ in self.walk() if event == "enter"]
        return [self.elements[i] for i in order if self.elements[i].kind in kinds]


def _dict_value(body: bytes, key: bytes) -> bytes | None:
    """The raw value of ``/key`` in a dictionary body: a reference, number, name or array."""
    found = re.search(rb"/" + key + rb"\s*(\[.*?\]|<<.*?>>|\d+ 0 R|/\w+|\d+)", body, re.S)
    return found.group(1) if found else None


def _ref(value: bytes | None) -> int | None:
    found = re.fullmatch(rb"(\d+) 0 R", value or b"")
    return int(found.group(1)) if found else None


def read(pdf: bytes) -> Layout:
    objects = {int(n): body for n, body in _OBJECT.findall(pdf)}
    # the page tree: the /Pages node without a parent, its kids in order
    tops = [n for n, body in objects.items()
            if re.search(rb"/Type\s*/Pages\b", body) and b"/Parent" not in body]
    order: list[int] = []

    def pages(ident: int) -> None:
        body = objects[ident]
        if re.search(rb"/Type\s*/Pages\b", body):
            for kid in re.findall(rb"(\d+) 0 R", _dict_value(body, b"Kids") or b""):
                pages(int(kid))
        else:
            order.append(ident)

    for top in tops:
        pages(top)
    page_number = {ident: k for k, ident in enumerate(order, start=1)}
    elements: dict[int, Element] = {}
    for ident, body in objects.items():
        if not re.search(rb"/Type\s*/StructElem\b", body):
            continue
        kind = (_dict_value(body, b"S") or b"/?")[1:].decode()
        element = Element(ident, kind, column_heading=kind == "TH" and bool(
            re.search(rb"/Scope\s*/Column", body)))
        own_page = page_number.get(_ref(_dict_value(body, b"Pg")) or -1, 0)
        kids = _dict_value(body, b"K") or b""
        sequence: list[tuple[int, int] | int] = []
        for token in _TOKEN.findall(kids):
            if token in (b"[", b"]"):
                continue
            if token.startswith(b"<<"):  # marked content on a page of its own
                page = page_number.get(_ref(_dict_value(token, b"Pg")) or -1, own_page)
                sequence.append((page, int(_dict_value(token, b"MCID") or 0)))
            elif token.endswith(b" R"):
                sequence.append(int(token.split()[0]))
            else:
                sequence.append((own_page, int(token)))
        element.order = sequence  # type: ignore[attr-defined]
        element.content = [k for k in sequence if isinstance(k, tuple)]
        element.children = [k for k in sequence if isinstance(k, int)]
        elements[ident] = element
    roots = [n for n, body in objects.items() if re.search(rb"/Type\s*/StructTreeRoot\b", body)]
    root_kids = []
    for root in roots:
        root_kids += [int(k) for k in re.findall(rb"(\d+) 0 R", _dict_value(objects[root], b"K") or b"")]
    return Layout(len(order), elements, root_kids)


def page_count(pdf: bytes) -> int:
    """Pages in the PDF, counted from its page objects (no parser needed)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def stranded_headings(layout: Layout) -> list[str]:
    """Headings whose page ends with them: the next content in reading order is on a
    later page than the heading's last line."""
    events = layout.walk()
    found = []
    headings = {e.ident for e in layout.of_kind("H1", "H2", "H3", "H4", "H5", "H6")}
    for k, (event, ident, _) in enumerate(events):
        if event != "enter" or ident not in headings:
            continue
        depth, last, j = 0, None, k
        for j in range(k, len(events)):  # the heading's own content
            kind, element, item = events[j]
            depth += kind == "enter" and element == ident
            depth -= kind == "leave" and element == ident
            if kind == "content" and item is not None:
                last = item[0]
            if depth == 0:
                break
        following = next((item[0] for kind, _, item in events[j + 1:]
                          if kind == "content" and item is not None), None)
        if last is not None and following is not None and following > last:
            found.append(f"heading element {ident} ends page {last}")
    return found


def split_rows(layout: Layout) -> list[str]:
    """Table rows laid out across two or more pages. A row of column headings is left
    out: the browser repeats it at the top of each page a table runs onto."""
    found = []
    for row in layout.of_kind("TR"):
        cells = [layout.elements[c] for c in row.children if c in layout.elements]
        if cells and all(c.column_heading for c in cells):
            continue
        pages = set(layout.pages_of(row.ident))
        if len(pages) > 1:
            found.append(f"row element {row.ident} on pages {sorted(pages)}")
    return found
