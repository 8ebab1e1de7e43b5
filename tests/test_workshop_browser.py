"""sysmap workshop in real headless Chromium: a facilitator at 1280×720 and
three participants on phone-sized screens (390×844), each in their own
browser context, against a server started on a free localhost port.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import COMMENTED_MAP, assert_names_readable
from sysmap.validate import load_map
from sysmap.workshop import start_workshop
from test_html_browser import DRAWN_TEXT, INJECTIONS

PHONE = {"width": 390, "height": 844}
GROUPS = ("beneficiary", "provider", "leader")


class Page:
    """One person's page, recording dialogs, script errors, CSP reports and
    requests that left the server."""

    def __init__(self, browser: Any, url: str, origin: str, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(
            viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE
        )
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []

        def route(r: Any) -> None:
            if r.request.url.startswith(origin) or r.request.url.startswith(
                origin.replace("http", "ws")
            ):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self) -> None:
        assert self.dialogs == []
        assert self.errors == []  # a CSP violation is reported here too
        assert self.outside == []


@pytest.fixture
def room(browser: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    path = tmp_path / "map.yaml"
    path.write_text(COMMENTED_MAP, encoding="utf-8")
    w = start_workshop(path)
    origin = w.workshop.base_url
    fac = Page(browser, w.facilitator_url, origin, {"width": 1280, "height": 720})
    fac.page.wait_for_selector("#queue li")
    people = []
    for i, group in enumerate(GROUPS):
        person = Page(browser, w.join_url, origin, PHONE)
        person.page.fill("#name", f"Person {i}")
        person.page.select_option("#group", group)
        person.page.click("#join-form button[type=submit]")
        person.page.wait_for_selector("#rel-list li button")
        people.append(person)
    until(fac.page, "document.getElementById('online').textContent === '3'")
    yield {"workshop": w, "path": path, "facilitator": fac, "people": people}
    for page in (fac, *people):
        page.context.close()
    w.stop()


def until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Wait until a JavaScript expression is true (polled from outside the
    page: the page's policy forbids evaluating strings inside it)."""
    import time

    end = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def labels(person: Page) -> list[str]:
    return person.page.evaluate("window.sysmapWorkshop.labels()")


def test_a_proposal_goes_through_the_queue_into_the_file_and_onto_every_map(
    room: dict[str, Any],
) -> None:
    fac, people, path = room["facilitator"], room["people"], room["path"]
    ana = people[0].page
    ana.click("[data-tab=add]")
    ana.fill("#sh-name", "Tenant union")
    ana.select_option("#sh-role", "beneficiary")
    ana.check("#sh-lived")
    ana.fill("#sh-note", "renters organising for repairs")
    ana.click("#sh-form button[type=submit]")
    item = fac.page.locator("#queue .item", has_text="Tenant union")
    item.wait_for()
    assert "beneficiary · Person 0" in item.inner_text()
    item.locator("button.accept").click()
    for person in people:
        until(person.page, "window.sysmapWorkshop.labels().indexOf('Tenant union') >= 0")
    # (as below: the facilitator's page has heard of it before "up to date" counts)
    until(fac.page, "document.getElementById('undo-what').textContent.indexOf('Tenant') >= 0")
    until(
        fac.page,
        "document.getElementById('file-state').textContent === 'The map file is up to date.'",
    )
    union = load_map(path).stakeholder("tenant-union")
    assert union.lived_experience and union.description == "renters organising for repairs"
    assert (
        union.attributes["asserted_by"] == "beneficiary"
        and union.attributes["source"] == "workshop"
    )
    assert "Person 0" not in path.read_text()
    # a provider confirms a relationship with a rating from the list on the map tab
    bo = people[1].page
    row = bo.locator("#rel-list li", has_text="Street outreach → People with lived experience")
    row.locator("button", has_text="Confirm").click()
    bo.select_option("#rate-strength", "3")
    bo.fill("#rate-note", "we meet weekly")
    bo.click("#rate-form button[type=submit]")
    fac.page.locator("#queue .item", has_text="Confirm Street outreach").locator(
        "button.accept"
    ).click()
    bo.click("[data-tab=mine]")
    bo.locator("#mine-list li", has_text="accepted").wait_for()
    # the facilitator's page has heard of the confirmation (the same message says how many
    # changes are not yet in the file), so "up to date" below is about the file after it
    until(fac.page, "document.getElementById('undo-what').textContent.indexOf('Confirm') >= 0")
    until(
        fac.page,
        "document.getElementById('file-state').textContent === 'The map file is up to date.'",
    )
    serves = next(r for r in load_map(path).relationships if r.kind == "serves")
    assert [(e.asserted_by, e.note) for e in serves.evidence] == [("provider", "we meet weekly")]
    # the facilitator takes it back
    fac.page.click("#undo")
    until(fac.page, "document.getElementById('undo-what').textContent.indexOf('Tenant union') >= 0")
    until(
        fac.page,
        "document.getElementById('file-state').textContent === 'The map file is up to date.'",
    )
    assert next(r for r in load_map(path).relationships if r.kind == "serves").evidence == []
    for page in (fac, *people):
        page.check()


def test_hostile_text_from_participants_never_runs_in_any_view(room: dict[str, Any]) -> None:
    fac, people, w = room["facilitator"], room["people"], room["workshop"]
    # hostile display names too
    hostile = Page(fac.page.context.browser, w.join_url, w.workshop.base_url, PHONE)
    hostile.page.fill("#name", INJECTIONS[0][:60])
    hostile.page.click("#join-form button[type=submit]")
    hostile.page.wait_for_selector("#rel-list li button")
    senders = [*people, hostile]
    for i, text in enumerate(INJECTIONS):
        page = senders[i % len(senders)].page
        page.click("[data-tab=add]")
        page.fill("#sh-name", text)
        page.fill("#sh-note", text)
        page.click("#sh-form button[type=submit]")
        page.fill("#rel-note", text)
        page.select_option("#rel-from", index=1)
        page.select_option("#rel-to", index=2)
        page.click("#rel-form button[type=submit]")
        page.click("[data-tab=questions]")
        page.fill("#q-0", text)
        page.click("#tab-questions form button[type=submit]")
        page.click("[data-tab=map]")
    until(fac.page, f"document.querySelectorAll('#queue .item').length === {2 * len(INJECTIONS)}")
    # accept every new stakeholder: the hostile names go onto everyone's map
    for _ in INJECTIONS:
        fac.page.locator("#queue .item", has_text="Add beneficiary").first.locator(
            "button.accept"
        ).click()
        fac.page.wait_for_timeout(150)
    until(fac.page, f"document.querySelectorAll('#queue .item').length === {len(INJECTIONS)}")
    for person in senders:
        until(person.page, "window.sysmapWorkshop.labels().length === " + str(3 + len(INJECTIONS)))
        person.page.click("[data-tab=mine]")
        mine = person.page.locator("#mine-list").inner_text()
        assert "Add beneficiary" in mine
    queue = fac.page.locator("#queue").inner_text()
    for text in INJECTIONS[:6]:
        assert text in queue or text.replace("\u2028", " ") in queue  # shown as text
    assert INJECTIONS[0] in fac.page.locator("#answers").inner_text()
    for page in (fac, *senders):
        assert (
            page.page.evaluate("document.querySelectorAll('iframe, object, embed, svg, a').length")
            == 0
        )
        assert page.page.evaluate("document.querySelectorAll('img:not(#qr)').length") == 0
        assert page.page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
        handlers = "[...document.querySelectorAll('*')].filter(e => e.getAttributeNames().some(a => a.startsWith('on'))).length"
        assert page.page.evaluate(handlers) == 0
        page.check()
    hostile.context.close()


# ------------------------------------------------------------ names in the room

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "homelessness-current.yaml"


def drawn_names(page: Any, getter: str) -> list[dict[str, Any]]:
    """The names the map drew in one frame, measured from the canvas itself
    (the same probe as the exported map's test), kept to stakeholders' names."""
    probe = DRAWN_TEXT.replace("sysmapMap.network", getter + ".network")
    drawn = page.evaluate(probe)
    names = set(page.evaluate(f"Object.values({getter}.names)"))
    return [d for d in drawn if d["text"] in names]


def test_names_on_the_projected_map_are_readable_and_never_pile_up(
    browser: Any, tmp_path: Path
) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    w = start_workshop(path)
    fac = Page(browser, w.facilitator_url, w.workshop.base_url, {"width": 1280, "height": 720})
    phone = Page(browser, w.join_url, w.workshop.base_url, PHONE)
    try:
        fac.page.wait_for_selector("#queue li")
        fac.page.wait_for_timeout(2500)  # the map settles and is fitted
        shown = drawn_names(fac.page, "sysmapWorkshop.map")
        assert_names_readable(shown, least=10, px=12)
        # chosen by importance: the most powerful stakeholder is named
        data = fac.page.evaluate("sysmapWorkshop.map.data.nodes")
        names = fac.page.evaluate("sysmapWorkshop.map.names")
        top = max(data, key=lambda n: n.get("power") or 0)
        assert names[top["id"]] in {d["text"] for d in shown}
        # a name left out is shown while the pointer is on its stakeholder
        hidden = next(i for i, n in names.items() if n not in {d["text"] for d in shown})
        fac.page.evaluate(
            f"sysmapWorkshop.map.hover = {hidden!r}; sysmapWorkshop.map.network.redraw()"
        )
        assert names[hidden] in {d["text"] for d in drawn_names(fac.page, "sysmapWorkshop.map")}
        # the phone map shows only the names that fit
        phone.page.fill("#name", "Ana")
        phone.page.click("#join-form button[type=submit]")
        phone.page.wait_for_selector("#rel-list li button")
        phone.page.wait_for_timeout(2500)
        small = drawn_names(phone.page, "sysmapWorkshop.map()")
        assert_names_readable(small, least=3, px=12)
        assert len(small) < len(data)
        fac.check()
        phone.check()
    finally:
        fac.context.close()
        phone.context.close()
        w.stop()
