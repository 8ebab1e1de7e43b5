"""The messages a workshop's pages send, each checked by a pydantic model.

Participants may only *propose*; the facilitator decides. Every message is
one JSON object with a ``type``; :func:`read_participant` and
:func:`read_facilitator` turn it into a model or raise
:class:`~sysmap.errors.WorkshopError` with a message the page can show (bad
input never becomes a server error).

Example
-------
>>> read_participant('{"type": "add_stakeholder", "name": "Food bank", "role": "provider"}').name
'Food bank'
>>> read_participant('{"type": "accept", "cid": "c1"}')
Traceback (most recent call last):
...
sysmap.errors.WorkshopError: a participant cannot send 'accept' — participants propose; the facilitator decides
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from sysmap.errors import WorkshopError

__all__ = [
    "ROLE_GROUPS",
    "MAX_MESSAGE_BYTES",
    "JoinRequest",
    "AddStakeholder",
    "AddRelationship",
    "ConfirmRelationship",
    "MarkRelationship",
    "ProposeLoop",
    "Answer",
    "Proposal",
    "Accept",
    "Reject",
    "Merge",
    "Undo",
    "SetStage",
    "Settings",
    "RevokeCode",
    "EndSession",
    "read_participant",
    "read_facilitator",
]

#: The three role groups every workshop offers; a map may add its own groups.
ROLE_GROUPS: dict[str, str] = {
    "beneficiary": "Beneficiary / lived experience",
    "provider": "Provider",
    "leader": "Leader",
}

#: The largest message a page may send.
MAX_MESSAGE_BYTES = 16 * 1024

Text = Annotated[str, Field(min_length=1, max_length=200)]
Note = Annotated[str, Field(max_length=1000)]
Rating = Annotated[int, Field(ge=0, le=5)]
ElementId = Annotated[str, Field(min_length=1, max_length=200)]
Stage = Literal["who", "why", "what", "how"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class JoinRequest(_Message):
    """A participant joining: the join code, a display name (or none) and a group."""

    code: Annotated[str, Field(min_length=1, max_length=20)]
    name: Annotated[str, Field(max_length=60)] = ""
    group: Annotated[str, Field(min_length=1, max_length=200)]


class AddStakeholder(_Message):
    """Propose a stakeholder the map is missing."""

    type: Literal["add_stakeholder"]
    name: Text
    role: Literal["beneficiary", "provider", "leader"]
    lived_experience: bool = False
    note: Note = ""


class AddRelationship(_Message):
    """Propose a relationship (who works with, hears or funds whom)."""

    type: Literal["add_relationship"]
    source: ElementId = Field(alias="from")
    target: ElementId = Field(alias="to")
    kind: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
    strength: Rating | None = None
    trust: Rating | None = None
    mutual: bool = False
    note: Note = ""


class ConfirmRelationship(_Message):
    """Confirm a relationship on the map, with this person's strength and trust."""

    type: Literal["confirm_relationship"]
    edge: Annotated[str, Field(min_length=1, max_length=700)]
    strength: Rating | None = None
    trust: Rating | None = None
    note: Note = ""


class MarkRelationship(_Message):
    """Say a relationship on the map is weak or broken, and why."""

    type: Literal["mark_relationship"]
    edge: Annotated[str, Field(min_length=1, max_length=700)]
    status: Literal["weak", "broken"]
    note: Annotated[str, Field(min_length=1, max_length=1000)]


class ProposeLoop(_Message):
    """Propose a feedback loop: a path of stakeholders that comes back to its start."""

    type: Literal["add_loop"]
    name: Text
    path: list[ElementId] = Field(min_length=2, max_length=20)
    purpose: Note = ""


class Answer(_Message):
    """An answer to one of the current stage's open questions."""

    type: Literal["answer"]
    stage: Stage
    question: Annotated[int, Field(ge=0, le=20)]
    text: Annotated[str, Field(min_length=1, max_length=2000)]


Proposal = AddStakeholder | AddRelationship | ConfirmRelationship | MarkRelationship | ProposeLoop


class Accept(_Message):
    """Accept a proposal, optionally with the facilitator's corrections."""

    type: Literal["accept"]
    cid: Annotated[str, Field(min_length=1, max_length=40)]
    edits: dict[str, str | int | bool | None] = Field(default_factory=dict, max_length=10)


class Reject(_Message):
    type: Literal["reject"]
    cid: Annotated[str, Field(min_length=1, max_length=40)]
    reason: Note = ""


class Merge(_Message):
    """Merge a proposal into what is on the map: a proposed stakeholder into a
    stakeholder id, a proposed relationship into a relationship (it becomes a
    confirmation of it)."""

    type: Literal["merge"]
    cid: Annotated[str, Field(min_length=1, max_length=40)]
    into: Annotated[str, Field(min_length=1, max_length=700)]


class Undo(_Message):
    type: Literal["undo"]


class SetStage(_Message):
    type: Literal["stage"]
    stage: Stage


class Settings(_Message):
    """Session settings; a field left out keeps its value."""

    type: Literal["settings"]
    accept_directly: bool | None = None
    show_sensitive: bool | None = None
    names_in_map: bool | None = None


class RevokeCode(_Message):
    """Revoke the join code and make a new one (people already in stay in)."""

    type: Literal["revoke_code"]


class EndSession(_Message):
    type: Literal["end"]


class Ping(_Message):
    type: Literal["ping"]


_PARTICIPANT: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(
    Annotated[
        AddStakeholder
        | AddRelationship
        | ConfirmRelationship
        | MarkRelationship
        | ProposeLoop
        | Answer
        | Ping,
        Field(discriminator="type"),
    ]
)
_FACILITATOR: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(
    Annotated[
        Accept | Reject | Merge | Undo | SetStage | Settings | RevokeCode | EndSession | Ping,
        Field(discriminator="type"),
    ]
)
_PARTICIPANT_TYPES = {"add_stakeholder", "add_relationship", "confirm_relationship"}
_PARTICIPANT_TYPES |= {"mark_relationship", "add_loop", "answer", "ping"}
_FACILITATOR_TYPES = {"accept", "reject", "merge", "undo", "stage", "settings"}
_FACILITATOR_TYPES |= {"revoke_code", "end", "ping"}


def _decode(raw: str | bytes) -> dict[str, Any]:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise WorkshopError(
            f"that message is too long (over {MAX_MESSAGE_BYTES // 1024} KB)", code="too-long"
        )
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise WorkshopError("that message is not JSON — reload the page", code="not-json") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise WorkshopError(
            "a message is a JSON object with a 'type' — reload the page", code="bad-message"
        )
    return data


def _explain(exc: pydantic.ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err["loc"][1:]) or "message"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def read_participant(raw: str | bytes) -> Any:
    """A participant's message as its model.

    Raises
    ------
    WorkshopError
        Not JSON, an unknown or facilitator-only type, or a bad field (the
        message names the field).
    """
    data = _decode(raw)
    kind = data["type"]
    if kind in _FACILITATOR_TYPES - _PARTICIPANT_TYPES:
        raise WorkshopError(
            f"a participant cannot send '{kind}' — participants propose; the facilitator decides",
            code="not-allowed",
        )
    if kind not in _PARTICIPANT_TYPES:
        raise WorkshopError(
            f"unknown message '{kind[:40]}' — reload the page", code="unknown-message"
        )
    return _validate(_PARTICIPANT, data)


def read_facilitator(raw: str | bytes) -> Any:
    """A facilitator's message as its model (see :func:`read_participant`)."""
    data = _decode(raw)
    if data["type"] not in _FACILITATOR_TYPES:
        raise WorkshopError(
            f"unknown message '{str(data['type'])[:40]}' — reload the page", code="unknown-message"
        )
    return _validate(_FACILITATOR, data)


def _validate(adapter: Any, data: dict[str, Any]) -> Any:
    """The message as its model, or a refusal that names the bad field."""
    try:
        return adapter.validate_python(data)
    except pydantic.ValidationError as exc:
        raise WorkshopError(_explain(exc), code="invalid") from None
