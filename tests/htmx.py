"""What the browser does with an htmx answer, for the tests: parse the whole page, find the form's
target (``hx-target`` on the form or an ancestor, ``HX-Retarget`` from the server), swap the
answer in (``hx-swap``/``HX-Reswap``: outerHTML or innerHTML), and compare the result with the page
the server renders without htmx. A real HTML parser (tinyhtml5, WeasyPrint's) reads both.
"""

import re
from xml.etree.ElementTree import Element

import tinyhtml5

HTML = "{http://www.w3.org/1999/xhtml}"


def parse(text: str) -> Element:
    return tinyhtml5.parse(text)


def _parents(root: Element) -> dict[Element, Element]:
    return {child: parent for parent in root.iter() for child in parent}


def by_id(root: Element, element_id: str) -> Element:
    found = [e for e in root.iter() if e.get("id") == element_id]
    assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
    return found[0]


def _closest(element: Element, attribute: str, parents: dict[Element, Element]) -> str | None:
    """htmx attributes are inherited: the element's, or its nearest ancestor's."""
    while element is not None:
        if element.get(attribute) is not None:
            return element.get(attribute)
        element = parents.get(element)
    return None


def _select(root: Element, selector: str) -> Element:
    # The portal's targets are ids (« #declaration_form », « #flash »).
    assert re.fullmatch(r"#[\w-]+", selector), f"selector not handled here: {selector}"
    return by_id(root, selector[1:])


def form_in(root: Element, block_id: str) -> Element:
    """The htmx form inside the block (the element with the block's id)."""
    forms = [e for e in by_id(root, block_id).iter(f"{HTML}form") if e.get("hx-post")]
    assert forms, f"no htmx form in #{block_id}"
    return forms[0]


def form_fields(form: Element) -> list[tuple[str, str]]:
    """What the browser sends for this form as it is on the page (before any button's own
    name and value): inputs, checked boxes, chosen options, textareas; no files."""
    fields = []
    for element in form.iter():
        name, tag = element.get("name"), element.tag.removeprefix(HTML)
        if not name or element.get("disabled") is not None:
            continue
        kind = (element.get("type") or "text").lower()
        if tag == "input" and kind not in ("submit", "button", "file", "reset", "image"):
            if kind in ("checkbox", "radio") and element.get("checked") is None:
                continue
            fields.append((name, element.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            fields.append((name, element.text or ""))
        elif tag == "select":
            options = list(element.iter(f"{HTML}option"))
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            fields += [(name, o.get("value", o.text or "")) for o in chosen]
    return fields


def filled(form: Element, typed: dict[str, str | list[str]]) -> list[tuple[str, str]]:
    """The form's fields with what the user typed: a name in ``typed`` replaces every field of
    that name (a list fills the rows of a table in order)."""
    fields = [(name, value) for name, value in form_fields(form) if name not in typed]
    for name, value in typed.items():
        fields += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return fields


def swap(page: Element, form: Element, response) -> Element:
    """The page once htmx has swapped ``response`` (the answer to ``form``'s request) in."""
    parents = _parents(page)
    selector = response.headers.get("HX-Retarget") or _closest(form, "hx-target", parents)
    target = _select(page, selector) if selector else form
    style = (response.headers.get("HX-Reswap") or _closest(form, "hx-swap", parents)
             or "innerHTML").split()[0]
    body = parse(response.text).find(f"{HTML}body")
    if style == "innerHTML":
        target.clear()
        target.text = body.text
        target.extend(list(body))
    elif style == "outerHTML":
        parent = parents[target]
        index = list(parent).index(target)
        new = list(body)
        parent.remove(target)
        for offset, element in enumerate(new):
            parent.insert(index + offset, element)
        # The text after the target stays after what replaced it.
        last = new[-1] if new else None
        if last is not None:
            last.tail = (last.tail or "") + (target.tail or "")
    else:
        raise AssertionError(f"hx-swap {style} not handled here")
    return page


def _text(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def canonical(element: Element) -> tuple:
    """The element as a tree of (tag, attributes, text, children, tail), whitespace collapsed:
    two renderings that a browser shows alike compare equal."""
    return (element.tag, tuple(sorted(element.attrib.items())), _text(element.text),
            tuple(canonical(child) for child in element), _text(element.tail))


def main(root: Element) -> Element:
    return next(root.iter(f"{HTML}main"))


def text_of(element: Element) -> str:
    return _text("".join(element.itertext()))
