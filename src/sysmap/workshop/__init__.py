"""Live workshops: the whole room builds and checks the map together.

``sysmap workshop MAP`` (or :func:`run_workshop`) serves two pages from a
local web server: the facilitator's projected view (the live map, the stages
Who → Why → What → How, the moderation queue) and the participants' view on
their phones (join with a short code, propose stakeholders, relationships,
confirmations, weak or broken links, feedback loops, answers). Accepted
contributions are written into the map file with their provenance; the file
stays the truth. See ``docs/workshop.md``.

Example
-------
>>> from sysmap.workshop import start_workshop  # doctest: +SKIP
>>> with start_workshop("riverton.yaml") as w:  # doctest: +SKIP
...     print(w.facilitator_url, w.join_url)
"""

from __future__ import annotations

from sysmap.workshop.hub import Workshop, session_folder
from sysmap.workshop.server import RunningWorkshop, run_workshop, start_workshop
from sysmap.workshop.summary import SessionSummary, summarize_journal

__all__ = [
    "Workshop",
    "RunningWorkshop",
    "SessionSummary",
    "run_workshop",
    "start_workshop",
    "session_folder",
    "summarize_journal",
]
