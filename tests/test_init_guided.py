"""``sysmap init --guided``: the Who stage as prompts, saved after each answer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import sysmap
from sysmap.cli import cli
from sysmap.guided import guided_who
from sysmap.process import check_process

# One facilitator's answers, in the order asked.
ANSWERS = [
    "How can people leave homelessness faster?",  # guiding question
    "Riverton",  # community
    "People living unsheltered",  # beneficiary
    "",  # lived experience? default yes
    "Lived Experience Working Group",
    "y",
    "",  # no more beneficiaries
    "Street outreach",  # provider
    "",  # lived experience? default no
    "Peer navigators",
    "y",
    "",  # no more providers
    "CoC board",  # leader
    "n",
    "",  # no more leaders
    "Lived Experience Engagement Coordinator",  # guiding-team role
    "working group",  # not a name on the map: asked again
    "Lived Experience Working Group",  # by name
    "Chair",
    "5, coc-board",  # by number and by id
    "Data lead",
    "",  # nobody yet
    "",  # no more roles
    "",  # the team's answers to the later questions? default no
]


def feed(answers: list[str]) -> str:
    return "".join(a + "\n" for a in answers)


def check_the_full_map(path: Path) -> None:
    m = sysmap.load_map(path)
    assert m.guiding_question == "How can people leave homelessness faster?"
    assert m.community == "Riverton"
    assert [(s.id, s.role, s.lived_experience) for s in m.stakeholders] == [
        ("people-living-unsheltered", "beneficiary", True),
        ("lived-experience-working-group", "beneficiary", True),
        ("street-outreach", "provider", False),
        ("peer-navigators", "provider", True),
        ("coc-board", "leader", False),
    ]
    assert [(g.id, g.accepted_by) for g in m.guiding_team] == [
        ("gt-lived-experience-engagement-coordinator", ["lived-experience-working-group"]),
        ("gt-chair", ["coc-board"]),
        ("gt-data-lead", []),
    ]
    # the Who stage of the process: all done but the vacant data lead
    who = next(s for s in check_process(m).stages if s.stage == "who")
    assert [(c.id, c.status) for c in who.checks] == [
        ("who.guiding-team", "partial"),
        ("who.lived-experience-on-team", "done"),
        ("who.roles", "done"),
        ("who.beneficiaries", "done"),
        ("who.lived-experience", "done"),
        ("who.providers", "done"),
        ("who.leaders", "done"),
    ]


def test_cli_runner_walks_the_who_stage(tmp_path: Path):
    path = tmp_path / "riverton.yaml"
    result = CliRunner().invoke(cli, ["init", str(path), "--guided"], input=feed(ANSWERS))
    assert result.exit_code == 0, result.output
    assert "Not on the map: 'working group' — use a number from the list" in result.output
    assert result.output.rstrip().endswith(f"Saved {path}. Next: sysmap process {path}")
    check_the_full_map(path)
    # the file keeps init's commented prompts
    assert "# WHO — whose relationships shape the question?" in path.read_text()


def test_a_real_process_reading_stdin(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "sysmap", "init", "riverton.yaml", "--guided"],
        input=feed(ANSWERS),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    check_the_full_map(tmp_path / "riverton.yaml")


def test_stopping_halfway_keeps_what_was_entered_and_carries_on(tmp_path: Path):
    # the input ends after the first provider's name: stdin closes mid-question
    cut = ANSWERS.index("Street outreach") + 1
    first = subprocess.run(
        [sys.executable, "-m", "sysmap", "init", "riverton.yaml", "--guided"],
        input=feed(ANSWERS[:cut]),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ},
        timeout=120,
    )
    assert first.returncode == 130
    assert "Traceback" not in first.stderr
    assert first.stderr.strip().endswith(
        "Stopped. What you entered is saved in riverton.yaml; run "
        "'sysmap init riverton.yaml --guided' to carry on."
    )
    m = sysmap.load_map(tmp_path / "riverton.yaml")
    assert [s.id for s in m.stakeholders] == [
        "people-living-unsheltered",
        "lived-experience-working-group",
        "street-outreach",  # written as soon as its name was given
    ]
    assert sysmap.validate_file(tmp_path / "riverton.yaml").ok

    # carry on: the map is not started again; the remaining answers follow
    # no more beneficiaries; the providers again (outreach's lived-experience
    # question was never answered, so it keeps the default, no), then as before
    rest = ["", "Peer navigators", "y", "", *ANSWERS[ANSWERS.index("CoC board") :]]
    second = CliRunner().invoke(
        cli, ["init", str(tmp_path / "riverton.yaml"), "--guided"], input=feed(rest)
    )
    assert second.exit_code == 0, second.output
    assert second.output.startswith(
        f"Carrying on with {tmp_path / 'riverton.yaml'}: 3 stakeholders and 0 guiding-team "
        "roles so far."
    )
    check_the_full_map(tmp_path / "riverton.yaml")


class FileWatcher:
    """A prompter that checks, before every question, that the file on disk is a
    valid map holding every answer given so far."""

    def __init__(self, path: Path, answers: list[str]) -> None:
        self.path = path
        self.answers = list(answers)
        self.seen: list[int] = []

    def _check(self) -> None:
        if self.path.exists():
            m = sysmap.load_map(self.path)  # raises if the file is not a valid map
            self.seen.append(len(m.stakeholders) + len(m.guiding_team))

    def ask(self, prompt: str, default: str | None = None) -> str:
        self._check()
        answer = self.answers.pop(0)
        return answer if answer else (default or "")

    def confirm(self, prompt: str, default: bool = False) -> bool:
        self._check()
        answer = self.answers.pop(0)
        return default if not answer else answer.lower().startswith("y")

    def say(self, text: str) -> None:
        pass


def test_every_answer_is_on_disk_before_the_next_question(tmp_path: Path):
    path = tmp_path / "riverton.yaml"
    watcher = FileWatcher(path, ANSWERS)
    result = guided_who(path, watcher)
    assert watcher.answers == []
    assert result.stakeholders == [
        "people-living-unsheltered",
        "lived-experience-working-group",
        "street-outreach",
        "peer-navigators",
        "coc-board",
    ]
    # stakeholders and roles on disk grow one at a time, never jump or shrink
    assert watcher.seen == sorted(watcher.seen)
    assert max(b - a for a, b in zip(watcher.seen, watcher.seen[1:], strict=False)) == 1
    assert watcher.seen[-1] == 5 + 3
    check_the_full_map(path)


def test_given_question_and_community_are_not_asked(tmp_path: Path):
    path = tmp_path / "m.yaml"
    # no beneficiaries, one provider, no leaders, no roles, no team answers now
    answers = ["Outreach", "", "", "", "", ""]
    result = CliRunner().invoke(
        cli,
        ["init", str(path), "--guided", "-q", "Who is heard?", "--community", "Riverton"],
        input=feed(["", *answers]),
    )
    assert result.exit_code == 0, result.output
    assert "Guiding question: What question are we working on together?" not in result.output
    m = sysmap.load_map(path)
    assert (m.guiding_question, m.community) == ("Who is heard?", "Riverton")
    assert [s.role for s in m.stakeholders] == ["provider"]
    assert "No beneficiaries yet" in result.output
    assert "Nobody with lived experience holds a guiding-team role yet" in result.output


def test_an_empty_guiding_question_is_asked_again(tmp_path: Path):
    path = tmp_path / "m.yaml"
    result = CliRunner().invoke(
        cli,
        ["init", str(path), "--guided"],
        input=feed(["", "Who is heard?", "", "", "", "", "", ""]),
    )
    assert result.exit_code == 0, result.output
    assert "The map needs a guiding question to start." in result.output
    assert sysmap.load_map(path).guiding_question == "Who is heard?"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["init", "m.yaml"], "Missing option '-q' / '--question' (or use --guided)."),
        (
            ["init", "m.yaml", "--guided", "--title", "T"],
            "--title and --id cannot be used with --guided",
        ),
    ],
)
def test_usage_mistakes(args, message, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "m.yaml").exists()


def test_the_team_answers_the_later_questions_from_the_same_list(tmp_path: Path):
    from sysmap.guided import TEAM_QUESTIONS
    from sysmap.questions import QUESTIONS

    # document 002's questions whose answer is the team's, after Who, in order
    assert TEAM_QUESTIONS == (
        "why.voice-collected",
        "why.leaders",
        "why.indicators",
        "why.visible",
        "how.evaluate",
        "how.sustain",
    )
    path = tmp_path / "m.yaml"
    answers = ["", "", "", "", "y", "", "", "", "Who waits longest", "", ""]
    result = CliRunner().invoke(
        cli, ["init", str(path), "--guided", "-q", "Who is heard?", "--community", ""],
        input=feed(answers),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert QUESTIONS["why.visible"].text in result.output
    assert sysmap.load_map(path).answers == {"why": {"visible": "Who waits longest"}}
    status = check_process(sysmap.load_map(path))
    visible = next(c for c in status.checks if c.id == "why.visible")
    assert (visible.status, visible.team_answer) == ("done", "Who waits longest")


def test_init_refuses_a_bad_id_and_a_file_that_exists_with_their_context(tmp_path):
    from sysmap.errors import BadArgument, OutputError
    from sysmap.init import init_map, new_map_text

    with pytest.raises(BadArgument, match="'x y' is not a valid id") as bad:
        new_map_text("x y", "X", "Who is heard?")
    assert bad.value.argument == "id"
    target = tmp_path / "map.yaml"
    target.write_text("id: kept\n", encoding="utf-8")
    with pytest.raises(OutputError, match="exists already") as taken:
        init_map(target, "Who is heard?")
    assert taken.value.path == str(target)
    assert target.read_text(encoding="utf-8") == "id: kept\n"
