"""Every page each demo person reaches by following links, checked by axe-core (WCAG 2.1 A and
AA), at a desktop width: no violation, no sideways scrolling, no console error.

The crawl follows the links on the portal's own pages, as a person clicking through would: it
leaves out downloads (PDF, CSV, spreadsheets), the JSON API and its documentation page (Swagger
UI, a third party's page), and links that leave the portal. A GET never changes anything, so
following every link is safe.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.e2e.browser import PEOPLE

SKIPPED = re.compile(r"^/(api|static)/|\.(pdf|csv|xlsx|ods|json)$")
# Pages that differ only by an id or a page number are the same template with other data; the
# crawl checks a few of each so that it stays within CI's time, and counts what it left.
PER_PATTERN = 4


def pattern(path_and_query: str) -> str:
    return re.sub(r"\d+", "{n}", path_and_query)


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_page_reachable_by_links_has_no_accessibility_violation(person, who, figures):
    someone = person(who)
    page = someone.page
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    start = urlsplit(page.url).path
    queue, seen, per_pattern, checked, left = deque([start]), {start}, {}, 0, 0
    overflowing = []
    while queue:
        target = queue.popleft()
        if per_pattern.get(pattern(target), 0) >= PER_PATTERN:
            left += 1
            continue
        per_pattern[pattern(target)] = per_pattern.get(pattern(target), 0) + 1
        someone.goto(target)
        someone.check()
        checked += 1
        if someone.overflow() > 0:
            overflowing.append(f"{target}: {someone.overflow()} px")
        for href in page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.href)"):
            url, _ = urldefrag(href)
            if not url.startswith(origin + "/"):
                continue
            path = url[len(origin):]
            if path not in seen and not SKIPPED.search(urlsplit(path).path):
                seen.add(path)
                queue.append(path)
    figures[f"e2e, crawl as {who}"] = (f"{checked} pages checked, {left} more of the same "
                                       f"kinds found, {len(per_pattern)} kinds of page")
    assert not overflowing, "wider than the window at 1280 px:\n" + "\n".join(overflowing)
