"""sysmap workshop without a browser: the messages, the steps, the journal,
the file, and the server's locks, over real HTTP and websockets.

The browser tests (several Chromium contexts at once) are in
test_workshop_browser.py.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import COMMENTED_MAP
from sysmap.errors import SysmapError
from sysmap.validate import load_map, validate_file
from sysmap.workshop import start_workshop, summarize_journal
from sysmap.workshop.filemap import compute_edit
from sysmap.workshop.protocol import read_facilitator, read_participant
from sysmap.workshop.session import replay
from sysmap.workshop.steps import apply_steps, inverse, plan_relationship

websockets = pytest.importorskip("websockets.sync.client")

SENSITIVE_MAP = COMMENTED_MAP.replace(
    "    power: 2\n  # who can change",
    "    power: 2\n  - id: dana\n    name: Dana Whitfield\n    role: beneficiary\n"
    "    sensitive: true\n  # who can change",
).replace(
    "# loops come later",
    "  - from: dana\n    to: outreach\n    kind: feedback\n\n# loops come later",
)


@pytest.fixture
def map_file(tmp_path: Path) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(SENSITIVE_MAP, encoding="utf-8")
    return path


@pytest.fixture
def running(map_file: Path) -> Iterator[Any]:
    w = start_workshop(map_file)
    yield w
    w.stop()


def post(url: str, body: Any, origin: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def join(w: Any, group: str = "beneficiary", name: str = "") -> dict[str, Any]:
    status, body = post(
        w.workshop.base_url + "/join", {"code": w.workshop.state.code, "name": name, "group": group}
    )
    assert status == 200, body
    return body


class Live:
    """A websocket to the server, as a page would hold it."""

    def __init__(self, w: Any, hello: dict[str, Any], origin: str | None = None) -> None:
        url = w.workshop.base_url.replace("http", "ws") + "/ws"
        self._conn = websockets.connect(url, origin=origin)  # type: ignore[arg-type]
        self.ws = self._conn.__enter__()
        self.ws.send(json.dumps(hello))
        self.seen: list[dict[str, Any]] = []

    def send(self, msg: dict[str, Any]) -> None:
        self.ws.send(json.dumps(msg))

    def wait(self, kind: str, test: Any = None, timeout: float = 5.0) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                msg = json.loads(self.ws.recv(timeout=0.2))
            except TimeoutError:
                continue
            self.seen.append(msg)
            # after the first map, the facilitator gets only what changed
            same = msg["type"] == kind or (kind == "map" and msg["type"] == "map_delta")
            if same and (test is None or test(msg)):
                return msg
        raise AssertionError(
            f"no {kind} message within {timeout} s; saw {[m['type'] for m in self.seen]}"
        )

    def close(self) -> None:
        self._conn.__exit__(None, None, None)


def facilitator(w: Any) -> Live:
    return Live(w, {"type": "hello", "token": w.workshop.state.token})


def participant(w: Any, who: dict[str, Any]) -> Live:
    return Live(w, {"type": "hello", "pid": who["pid"], "secret": who["secret"]})


def settle(w: Any, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while (w.workshop.state.pending or w.workshop._writing) and time.monotonic() < end:
        time.sleep(0.05)
    assert not w.workshop.state.pending


# ------------------------------------------------------------------ messages

BAD_MESSAGES = [
    ("not json", "not JSON"),
    ("[1, 2]", "a JSON object with a 'type'"),
    ('{"type": "nonsense"}', "unknown message 'nonsense'"),
    (
        '{"type": "add_stakeholder", "name": "", "role": "provider"}',
        "name: String should have at least 1 character",
    ),
    ('{"type": "add_stakeholder", "name": "x", "role": "boss"}', "role: Input should be"),
    (
        '{"type": "confirm_relationship", "edge": "a->b:serves#0", "strength": 9}',
        "strength: Input should be less than or equal to 5",
    ),
    (
        '{"type": "add_stakeholder", "name": "x", "role": "leader", "power": 5}',
        "power: Extra inputs are not permitted",
    ),
    (
        '{"type": "mark_relationship", "edge": "a->b:serves#0", "status": "weak", "note": ""}',
        "note: String should have at least 1 character",
    ),
    ('{"type": "accept", "cid": "c1"}', "a participant cannot send 'accept'"),
    ('{"type": "end"}', "a participant cannot send 'end'"),
    ("x" * 20000, "too long"),
]


@pytest.mark.parametrize(("raw", "message"), BAD_MESSAGES)
def test_bad_participant_messages_get_a_message(raw: str, message: str) -> None:
    with pytest.raises(SysmapError, match=None) as exc:
        read_participant(raw)
    assert message in str(exc.value)


def test_facilitator_messages_are_checked_too() -> None:
    assert read_facilitator(
        '{"type": "accept", "cid": "c3", "edits": {"name": "Food bank"}}'
    ).edits == {"name": "Food bank"}
    with pytest.raises(SysmapError, match="unknown message 'add_stakeholder'"):
        read_facilitator('{"type": "add_stakeholder", "name": "x", "role": "leader"}')
    with pytest.raises(SysmapError, match="stage: Input should be 'who', 'why', 'what' or 'how'"):
        read_facilitator('{"type": "stage", "stage": "when"}')


# ------------------------------------------------------------------ steps


def test_a_confirmation_that_agrees_joins_the_entry_and_one_that_differs_is_a_parallel_entry() -> (
    None
):
    data: dict[str, Any] = {
        "relationships": [{"from": "a", "to": "b", "kind": "serves", "strength": 3}]
    }
    shown = data["relationships"][0]
    ev = {"source": "workshop", "date": "2026-12-04", "asserted_by": "provider"}
    same = plan_relationship(data, shown, "existing", {"strength": 3, "trust": None}, ev)
    assert same["op"] == "add_evidence"
    other = plan_relationship(
        data, shown, "existing", {"strength": 1, "trust": 2}, {**ev, "asserted_by": "beneficiary"}
    )
    assert other == {
        "op": "add_relationship",
        "item": {
            "from": "a",
            "to": "b",
            "kind": "serves",
            "strength": 1,
            "trust": 2,
            "evidence": [{**ev, "asserted_by": "beneficiary"}],
        },
    }
    apply_steps(data, [same, other])
    assert data["relationships"][0]["evidence"] == [ev]
    assert len(data["relationships"]) == 2
    # the same view again from the same group stacks on the parallel entry
    again = plan_relationship(
        data, shown, "existing", {"strength": 1, "trust": 2}, {**ev, "asserted_by": "beneficiary"}
    )
    assert again["op"] == "add_evidence" and again["match"]["strength"] == 1.0
    # each step is undone by its inverse, in reverse order
    apply_steps(data, [inverse(other), inverse(same)])
    assert data == {"relationships": [{"from": "a", "to": "b", "kind": "serves", "strength": 3}]}


def test_a_batch_keeps_comments_and_skips_a_step_that_no_longer_fits(tmp_path: Path) -> None:
    jobs = [
        (
            "c1",
            [
                {
                    "op": "add_stakeholder",
                    "item": {"id": "pantry", "name": "Food pantry", "role": "provider"},
                }
            ],
        ),
        (
            "c2",
            [
                {
                    "op": "add_stakeholder",
                    "item": {"id": "board", "name": "Taken id", "role": "leader"},
                }
            ],
        ),
        (
            "c3",
            [
                {
                    "op": "add_relationship",
                    "item": {"from": "pantry", "to": "pwle", "kind": "serves"},
                }
            ],
        ),
    ]
    text, failed = compute_edit(COMMENTED_MAP, "yaml", "map.yaml", jobs)
    assert failed == {"c2": "'board' is already on the map"}
    for line in COMMENTED_MAP.splitlines():
        if "#" in line:
            assert line.strip() in text  # every comment kept, on its line
    # the section comment still introduces the section after the new stakeholder
    assert (
        text.index("name: Food pantry") < text.index("# --- Why ---") < text.index("relationships:")
    )
    assert text.index("- from: pantry") < text.index("# loops come later")


# ------------------------------------------------------------------ the server


def test_proposal_accept_lands_in_the_file_with_provenance_and_reaches_everyone(
    running: Any, map_file: Path
) -> None:
    fac = facilitator(running)
    people = [
        participant(running, join(running, g, n))
        for g, n in (("beneficiary", "Ana"), ("provider", ""), ("leader", "Lee"))
    ]
    for p in people:
        p.wait("map")
    people[0].send(
        {
            "type": "add_stakeholder",
            "name": "Food pantry",
            "role": "provider",
            "note": "open on Sundays",
        }
    )
    people[1].send(
        {
            "type": "confirm_relationship",
            "edge": "outreach->pwle:serves#0",
            "strength": 3,
            "note": "we see them weekly",
        }
    )
    people[2].send(
        {
            "type": "mark_relationship",
            "edge": "pwle->board:feedback#0",
            "status": "weak",
            "note": "the board meets at noon",
        }
    )
    queue = fac.wait("queue", lambda m: len(m["items"]) == 3)
    for item in queue["items"]:
        fac.send({"type": "accept", "cid": item["cid"], "edits": {}})
    fac.wait("map", lambda m: len(m.get("applied", [])) >= 1)
    for p in people:
        p.wait("map", lambda m: any(n["name"] == "Food pantry" for n in m["map"]["nodes"]))
    settle(running)
    m = load_map(map_file)
    pantry = m.stakeholder("food-pantry")
    assert pantry.attributes == {
        "source": "workshop",
        "date": time.strftime("%Y-%m-%d"),
        "asserted_by": "beneficiary",
    }
    assert pantry.description == "open on Sundays"
    serves = [
        r for r in m.relationships if (r.source, r.target, r.kind) == ("outreach", "pwle", "serves")
    ]
    assert [(e.source, e.asserted_by, e.note) for e in serves[0].evidence] == [
        ("workshop", "provider", "we see them weekly")
    ]
    weak = [r for r in m.relationships if r.status == "weak"]
    assert len(weak) == 1 and weak[0].evidence[0].asserted_by == "leader"
    # display names never reach the file
    text = map_file.read_text()
    assert "Ana" not in text and "Lee" not in text
    assert "# the voice channel we want to strengthen" in text
    for live in (fac, *people):
        live.close()


def test_several_confirmations_of_one_relationship_all_land(running: Any, map_file: Path) -> None:
    fac = facilitator(running)
    people = [participant(running, join(running, "beneficiary")) for _ in range(4)]
    for p in people:
        p.send({"type": "confirm_relationship", "edge": "pwle->board:feedback#0", "note": "heard"})
    queue = fac.wait("queue", lambda m: len(m["items"]) == 4)
    for item in queue["items"]:
        fac.send({"type": "accept", "cid": item["cid"], "edits": {}})
    fac.wait("status", lambda m: m["unwritten"] == 0 and len(running.workshop.state.accepted) == 4)
    settle(running)
    rel = next(
        r for r in load_map(map_file).relationships if r.kind == "feedback" and r.source == "pwle"
    )
    assert [e.asserted_by for e in rel.evidence] == ["beneficiary"] * 4


def test_participants_see_sensitive_people_redacted_and_can_still_confirm_their_links(
    running: Any, map_file: Path
) -> None:
    fac = facilitator(running)
    p = participant(running, join(running))
    view = p.wait("map")["map"]
    names = {n["name"] for n in view["nodes"]}
    assert "Dana Whitfield" not in names and "Stakeholder 1" in names
    assert "Dana Whitfield" not in json.dumps(view) and "dana" not in {
        n["id"] for n in view["nodes"]
    }
    edge = next(e for e in view["edges"] if e["kind"] == "feedback" and e["to"] == "outreach")
    p.send({"type": "confirm_relationship", "edge": edge["key"], "note": "true"})
    cid = p.wait("ok")["cid"]
    # what they sent is told back to them as they saw it
    assert (
        p.wait("mine")["items"][0]["label"]
        == "Confirm Stakeholder 1 is heard by (feedback) Street outreach"
    )
    fac.send({"type": "accept", "cid": cid, "edits": {}})
    fac.wait("map", lambda m: cid in m.get("applied", []))
    settle(running)
    rel = next(r for r in load_map(map_file).relationships if r.source == "dana")
    assert rel.evidence[0].asserted_by == "beneficiary"
    assert running.workshop.summary().accepted == [
        "Confirm Stakeholder 1 is heard by (feedback) Street outreach"
    ]
    # the facilitator may choose to show them
    fac.send({"type": "settings", "show_sensitive": True})
    p.wait("map", lambda m: "Dana Whitfield" in {n["name"] for n in m["map"]["nodes"]})


def test_the_join_code_never_opens_the_facilitators_side(running: Any) -> None:
    w = running.workshop
    code = w.state.code
    base = w.base_url
    # the facilitator's page and QR code, with the join code as the token
    for path in (f"/f/{code}", f"/f/{code}/qr.svg"):
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(base + path)
        assert exc.value.code == 404
    # the live channel, with the join code as the token
    sneaky = Live(running, {"type": "hello", "token": code})
    assert sneaky.wait("refused")["message"] == "not allowed: join again"
    # a participant who joined with the code asks for facilitator actions
    p = participant(running, join(running))
    p.wait("map")
    for action in (
        {"type": "accept", "cid": "c1"},
        {"type": "undo"},
        {"type": "end"},
        {"type": "settings", "accept_directly": True},
        {"type": "revoke_code"},
    ):
        p.send(action)
        assert "a participant cannot send" in p.wait("error")["message"]
    assert not w.state.ended and not w.state.settings["accept_directly"] and w.state.code == code


def test_wrong_codes_are_limited_and_a_revoked_code_stops_working(running: Any) -> None:
    w = running.workshop
    url = w.base_url + "/join"
    for _ in range(5):
        status, body = post(url, {"code": "AAAAAA", "group": "provider"})
        assert status == 403 and "not right" in body["error"]
    status, body = post(url, {"code": w.state.code, "group": "provider"})
    assert status == 429 and "too many wrong codes" in body["error"]
    w._tries.clear()
    old = w.state.code
    fac = facilitator(running)
    fac.send({"type": "revoke_code"})
    assert fac.wait("ok")["message"] == f"New join code: {w.state.code}"
    assert w.state.code != old and len(w.state.code) == 6
    assert post(url, {"code": old, "group": "provider"})[0] == 403
    assert post(url, {"code": w.state.code.lower(), "group": "provider"})[0] == 200
    assert post(url, {"code": w.state.code, "group": "aliens"}) == (
        403,
        {"error": "choose one of the groups offered"},
    )
    assert post(url, "nonsense")[0] == 403
    assert (
        post(url, {"code": w.state.code, "group": "provider"}, origin="http://evil.example")[0]
        == 403
    )


def test_a_page_from_another_origin_cannot_open_the_live_channel(running: Any) -> None:
    with pytest.raises(Exception, match="403|1008|rejected"):
        live = Live(
            running,
            {"type": "hello", "token": running.workshop.state.token},
            origin="http://evil.example",
        )
        live.wait("welcome", timeout=2)


def test_participants_are_rate_limited(running: Any) -> None:
    p = participant(running, join(running))
    p.wait("map")
    for _ in range(14):
        p.send({"type": "answer", "stage": "who", "question": 0, "text": "the youth council"})
    replies: list[dict[str, Any]] = []
    while len(replies) < 14:
        msg = json.loads(p.ws.recv(timeout=5))
        if msg["type"] in ("ok", "error"):
            replies.append(msg)
    slow = [m for m in replies if m["type"] == "error"]
    # 10 at once, then one a second: the last few are refused, with a message
    assert 2 <= len(slow) <= 4
    assert slow[0]["message"] == "slow down a little — one contribution a second"
    assert len(running.workshop.state.answers) <= 11  # the burst, plus what a second refilled


def test_pages_are_sent_with_a_strict_content_security_policy(running: Any) -> None:
    with urllib.request.urlopen(running.workshop.base_url + "/") as r:
        csp = r.headers["Content-Security-Policy"]
        page = r.read().decode()
    assert (
        "script-src 'self';" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    )
    assert "<script>" not in page and "style=" not in page and "http://" not in page


def test_an_edit_in_a_terminal_shows_up_in_the_room(running: Any, map_file: Path) -> None:
    from sysmap.edit import add_stakeholder

    p = participant(running, join(running))
    p.wait("map")
    add_stakeholder(map_file, "clinic", "Street clinic", "provider")
    shown = p.wait("map", lambda m: "Street clinic" in {n["name"] for n in m["map"]["nodes"]})
    clinic = [n for n in shown["map"]["nodes"] if n["name"] == "Street clinic"]
    assert len(clinic) == 1 and clinic[0]["role"] == "provider"


def test_a_restarted_server_keeps_its_queue_and_what_it_accepted(map_file: Path) -> None:
    w = start_workshop(map_file)
    who = join(w, "provider")
    p = participant(w, who)
    fac = facilitator(w)
    for name in ("Food pantry", "Tenant union"):
        p.send({"type": "add_stakeholder", "name": name, "role": "provider"})
    queue = fac.wait("queue", lambda m: len(m["items"]) == 2)
    fac.send(
        {
            "type": "accept",
            "cid": queue["items"][0]["cid"],
            "edits": {"name": "Riverton food pantry"},
        }
    )
    fac.wait("map", lambda m: m.get("applied"))
    token, code = w.workshop.state.token, w.workshop.state.code
    w.stop()
    again = start_workshop(map_file)
    try:
        state = again.workshop.state
        assert (state.token, state.code) == (token, code)
        assert [c.label for c in state.queue()] == ["Add provider “Tenant union”"]
        assert load_map(map_file).stakeholder("riverton-food-pantry").name == "Riverton food pantry"
        # the participant carries on with the same id and secret
        p2 = participant(again, who)
        p2.wait("mine", lambda m: len(m["items"]) == 2)
    finally:
        again.stop()


def test_ending_writes_the_summary_and_closes_joining(running: Any, map_file: Path) -> None:
    fac = facilitator(running)
    p = participant(running, join(running, "leader", "Lee"))
    p.send({"type": "add_stakeholder", "name": "Mayor's office", "role": "leader"})
    cid = p.wait("ok")["cid"]
    p.send({"type": "add_stakeholder", "name": "Nobody", "role": "leader"})
    rejected = p.wait("ok")["cid"]
    fac.send({"type": "accept", "cid": cid, "edits": {}})
    fac.send({"type": "reject", "cid": rejected, "reason": "not a stakeholder"})
    p.send({"type": "answer", "stage": "who", "question": 0, "text": "Landlords"})
    p.wait("ok", lambda m: "answer" in m["message"])
    fac.send({"type": "end"})
    assert "Joined: 1 (1 leader)" in p.wait("ended")["summary"]
    summary = (map_file.parent / "map.workshop" / "summary.md").read_text()
    assert "| leader | 1 | 0 | 1 | 0 | 0 | 0 |" in summary
    assert "- 1 stakeholders added" in summary and "Landlords" in summary and "Lee" not in summary
    assert (
        "sysmap compare" in summary
        and (map_file.parent / "map.workshop" / "before.yaml").read_text() == SENSITIVE_MAP
    )
    assert (
        post(running.workshop.base_url + "/join", {"code": "ABCDEF", "group": "leader"})[0] == 403
    )
    assert (
        summarize_journal(map_file.parent / "map.workshop" / "journal.jsonl").decisions["accepted"]
        == 1
    )
    assert validate_file(map_file).ok


def test_a_journal_cut_short_by_a_crash_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text('{"e": "stage", "stage": "why"}\n{"e": "stage", "sta')
    assert replay(path).stage == "why"
    path.write_text('{"e": "stage", "sta\n{"e": "stage", "stage": "why"}\n')
    with pytest.raises(SysmapError, match="journal.jsonl:1: the workshop journal is damaged"):
        replay(path)


def test_a_map_with_problems_is_refused_before_any_server_starts(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(COMMENTED_MAP.replace("role: leader", "role: boss"))
    with pytest.raises(SysmapError, match="role"):
        start_workshop(bad)
    assert not (tmp_path / "bad.workshop" / "journal.jsonl").exists()


def test_merge_folds_a_proposal_into_what_is_on_the_map(running: Any, map_file: Path) -> None:
    fac = facilitator(running)
    p = participant(running, join(running, "provider"))
    p.send({"type": "add_stakeholder", "name": "The CoC board", "role": "leader"})
    same_person = p.wait("ok")["cid"]
    p.send(
        {
            "type": "add_relationship",
            "from": "pwle",
            "to": "board",
            "kind": "feedback",
            "trust": 1,
            "note": "slow",
        }
    )
    same_link = p.wait("ok")["cid"]
    fac.send({"type": "merge", "cid": same_person, "into": "board"})
    fac.send({"type": "merge", "cid": same_link, "into": "pwle->board:feedback#0"})
    fac.send({"type": "merge", "cid": same_link, "into": "pwle->board:feedback#0"})
    assert "not waiting in the queue" in fac.wait("error")["message"]
    settle(running)
    m = load_map(map_file)
    assert [s.id for s in m.stakeholders] == ["pwle", "outreach", "dana", "board"]  # nothing added
    feedback = [r for r in m.relationships if (r.source, r.target) == ("pwle", "board")]
    # the confirmation differs in trust from the entry (none recorded): a parallel entry
    assert [(r.trust, [e.asserted_by for e in r.evidence]) for r in feedback] == [
        (None, []),
        (1, ["provider"]),
    ]
    statuses = {c.cid: c.status for c in running.workshop.state.contributions.values()}
    assert statuses == {same_person: "merged", same_link: "merged"}


def test_the_changes_sent_to_the_facilitator_add_up_to_the_whole_map(running: Any) -> None:
    fac = facilitator(running)
    view = fac.wait("map")["map"]
    people = [participant(running, join(running, g)) for g in ("beneficiary", "provider")]
    people[0].send({"type": "add_stakeholder", "name": "Food pantry", "role": "provider"})
    people[1].send({"type": "confirm_relationship", "edge": "outreach->pwle:serves#0", "trust": 2})
    people[0].send(
        {
            "type": "mark_relationship",
            "edge": "pwle->board:feedback#0",
            "status": "broken",
            "note": "x",
        }
    )
    people[1].send(
        {"type": "add_loop", "name": "Voice loop", "path": ["pwle", "board", "outreach"]}
    )
    queue = fac.wait("queue", lambda m: len(m["items"]) == 4)
    for item in queue["items"]:
        fac.send({"type": "accept", "cid": item["cid"], "edits": {}})
    applied: list[str] = []
    while len(applied) < 4:
        msg = fac.wait("map", lambda m: m["type"] == "map_delta")
        applied += msg["applied"]
        for part, key in (("nodes", "id"), ("edges", "key")):
            at = {x[key]: i for i, x in enumerate(view[part])}
            for x in msg[part]:
                if x[key] in at:
                    view[part][at[x[key]]] = x
                else:
                    view[part].append(x)
        view["loops"] = msg.get("loops", view["loops"])
    assert view == json.loads(running.workshop.full_map("facilitator"))["map"]
    assert len(view["edges"]) == 6 and view["loops"][0]["name"] == "Voice loop"


def test_the_command_refuses_a_bad_map_and_a_taken_port_with_one_message(
    tmp_path: Path, map_file: Path
) -> None:
    import socket
    import subprocess
    import sys

    bad = tmp_path / "bad.yaml"
    bad.write_text(COMMENTED_MAP.replace("role: leader", "role: boss"))
    out = subprocess.run(
        [sys.executable, "-m", "sysmap", "workshop", str(bad), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("Error: ") and "role" in out.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "sysmap", "workshop", str(map_file), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 1
    assert (
        out.stderr
        == f"Error: cannot listen on 127.0.0.1:{port} (Address already in use) — choose another --port\n"
    )
