"""The web side of a workshop: pages, the join request, the live channel.

Security, since the server may be on a shared network:

- the facilitator's pages and actions need the long random token; the join
  code only lets someone in as a participant, who can only propose;
- wrong join codes are limited per address and for everyone;
- every message is checked by a model (:mod:`sysmap.workshop.protocol`): bad
  input gets a message back, never a server error;
- a participant may send :data:`~sysmap.workshop.hub.BURST` messages at once,
  then one a second;
- the live channel refuses pages from another origin;
- every page is sent with a Content-Security-Policy that allows only this
  server's own script files (no inline script at all), and all text from
  participants reaches a page as data and is put into it with ``textContent``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from sysmap.errors import SysmapError, WorkshopError
from sysmap.workshop import protocol as p
from sysmap.workshop.hub import Client, Workshop
from sysmap.workshop.views import groups_of

__all__ = ["create_app", "CONTENT_SECURITY_POLICY"]

#: Only this server's files; no inline script or style; nothing from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_STATIC = {
    "workshop.css": "text/css",
    "shared.js": "text/javascript",
    "common.js": "text/javascript",
    "participant.js": "text/javascript",
    "facilitator.js": "text/javascript",
}


def _static(name: str) -> str:
    # shared.js is the HTML map's too, so it lives with the map's templates
    folder = (
        resources.files("sysmap").joinpath("templates")
        if name == "shared.js"
        else (resources.files("sysmap.workshop").joinpath("static"))
    )
    return folder.joinpath(name).read_text(encoding="utf-8")


def _vis(name: str) -> str:
    import pyvis

    return (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


#: Each page's title; its body is static/ROLE.html, set in the shell static/page.html
#: (which loads the shared style and scripts, then ROLE.js).
_TITLES = {
    "participant": "Join the workshop — sysmap",
    "facilitator": "Workshop — facilitator — sysmap",
}


def _page_html(role: str) -> str:
    """The whole page for ``participant`` or ``facilitator``."""
    body = _static(f"{role}.html").split("\n", 1)[1]  # the first line says what the file is
    shell = _static("page.html").replace("{{title}}", _TITLES[role]).replace("{{role}}", role)
    return shell.replace("{{body}}", body)


def _page(role: str) -> Response:
    return Response(_page_html(role), media_type="text/html; charset=utf-8", headers=_HEADERS)


def _same_origin(headers: Any) -> bool:
    origin = headers.get("origin")
    if origin is None:
        return True  # not a browser: browsers always send Origin here
    return bool(urlsplit(origin).netloc == headers.get("host", ""))


def create_app(workshop: Workshop) -> Starlette:
    """The Starlette application serving one :class:`Workshop`."""
    site = _Site(workshop)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await workshop.start()
        try:
            yield
        finally:
            await workshop.stop()

    routes = [
        Route("/", site.participant_page),
        Route("/f/{token}", site.facilitator_page),
        Route("/f/{token}/qr.svg", site.qr),
        Route("/static/{name}", site.static),
        Route("/favicon.ico", site.no_icon),
        Route("/groups", site.groups),
        Route("/join", site.join, methods=["POST"]),
        WebSocketRoute("/ws", site.live),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404, headers=_HEADERS)


class _Site:
    """The pages, files and channels one workshop serves (one method a route)."""

    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop

    async def participant_page(self, request: Request) -> Response:
        return _page("participant")

    async def facilitator_page(self, request: Request) -> Response:
        if not self.workshop.check_facilitator(request.path_params["token"]):
            return _not_found()
        return _page("facilitator")

    async def qr(self, request: Request) -> Response:
        if not self.workshop.check_facilitator(request.path_params["token"]):
            return _not_found()
        # segno is needed only for this picture
        import io

        import segno

        out = io.BytesIO()
        segno.make(self.workshop.join_url, error="m").save(
            out, kind="svg", scale=8, border=2, xmldecl=False
        )
        return Response(out.getvalue(), media_type="image/svg+xml", headers=_HEADERS)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name in _STATIC:
            return Response(_static(name), media_type=_STATIC[name], headers=_HEADERS)
        if name in ("vis-network.min.js", "vis-network.css"):
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            return Response(
                _vis(name), media_type=kind, headers={**_HEADERS, "Cache-Control": "max-age=3600"}
            )
        return _not_found()

    async def no_icon(self, request: Request) -> Response:
        return Response(status_code=204, headers=_HEADERS)

    async def groups(self, request: Request) -> Response:
        return JSONResponse({"groups": groups_of(self.workshop.data)}, headers=_HEADERS)

    async def join(self, request: Request) -> Response:
        if not _same_origin(request.headers):
            return JSONResponse({"error": "wrong origin"}, status_code=403, headers=_HEADERS)
        try:
            body = json.loads((await request.body())[: p.MAX_MESSAGE_BYTES])
        except ValueError:
            body = None
        address = request.client.host if request.client else "?"
        try:
            return JSONResponse(self.workshop.join(body, address), headers=_HEADERS)
        except SysmapError as exc:
            tries = isinstance(exc, WorkshopError) and exc.code == "too-many-tries"
            code = 429 if tries else 403
            return JSONResponse({"error": str(exc)}, status_code=code, headers=_HEADERS)

    async def live(self, ws: WebSocket) -> None:
        workshop = self.workshop
        if not _same_origin(ws.headers):
            await ws.close(code=1008)
            return
        await ws.accept()
        client = await _hello(ws, workshop)
        if client is None:
            return
        key = id(ws)
        workshop.clients[key] = client
        workshop._touch("status")
        try:
            await _send_start(ws, workshop, client)
            while True:
                raw = await ws.receive_text()
                reply = _handle(workshop, client, raw)
                if reply is not None:
                    await ws.send_text(json.dumps(reply, ensure_ascii=False))
                    if reply.get("end"):
                        await workshop.end()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            workshop.clients.pop(key, None)
            workshop._touch("status")


async def _hello(ws: WebSocket, workshop: Workshop) -> Client | None:
    """The first message says who this is: the facilitator's token, or a
    participant's id and secret (from joining)."""
    try:
        raw = await asyncio.wait_for(ws.receive_text(), timeout=10)
        hello = json.loads(raw[: p.MAX_MESSAGE_BYTES])
    except (TimeoutError, ValueError, WebSocketDisconnect, RuntimeError):
        hello = None
    client = None
    if isinstance(hello, dict) and hello.get("type") == "hello":
        token, pid, secret = (str(hello.get(k) or "") for k in ("token", "pid", "secret"))
        if token and workshop.check_facilitator(token):
            client = Client(ws, "facilitator")
        elif pid and secret and workshop.check_participant(pid, secret):
            client = Client(ws, "participant", pid)
    if client is None or workshop.state.ended:
        why = "the session has ended" if workshop.state.ended else "not allowed: join again"
        with contextlib.suppress(Exception):
            await ws.send_text(json.dumps({"type": "refused", "message": why}))
            await ws.close(code=1008)
        return None
    return client


async def _send_start(ws: WebSocket, workshop: Workshop, client: Client) -> None:
    await ws.send_text(json.dumps(workshop.welcome(client), ensure_ascii=False))
    await ws.send_text(workshop.full_map(client.role))
    if client.role == "facilitator":
        await ws.send_text(json.dumps(workshop.queue_message(), ensure_ascii=False))
        await ws.send_text(json.dumps(workshop.status(), ensure_ascii=False))
    else:
        await ws.send_text(json.dumps(workshop.mine(client.pid), ensure_ascii=False))


def _handle(workshop: Workshop, client: Client, raw: str) -> dict[str, Any] | None:
    """Do what one message asks; the reply to send back (None: nothing)."""
    if client.role == "participant" and not client.allow():
        return {"type": "error", "message": "slow down a little — one contribution a second"}
    try:
        if client.role == "participant":
            msg = p.read_participant(raw)
            if msg.type == "ping":
                return None
            if msg.type == "answer":
                workshop.answer(client.pid, msg)
                return {"type": "ok", "message": "Thank you — your answer is in"}
            cid = workshop.propose(client.pid, msg)
            return {"type": "ok", "cid": cid, "message": "Sent to the facilitator"}
        return _facilitator(workshop, p.read_facilitator(raw))
    except SysmapError as exc:
        return {"type": "error", "message": str(exc)}


def _facilitator(workshop: Workshop, msg: Any) -> dict[str, Any] | None:
    if msg.type == "accept":
        workshop.accept(msg.cid, msg.edits)
    elif msg.type == "reject":
        workshop.reject(msg.cid, msg.reason)
    elif msg.type == "merge":
        workshop.merge(msg.cid, msg.into)
    elif msg.type == "undo":
        return {"type": "ok", "message": f"Undone: {workshop.undo()}"}
    elif msg.type == "stage":
        workshop.set_stage(msg.stage)
    elif msg.type == "settings":
        workshop.settings(msg)
    elif msg.type == "revoke_code":
        return {"type": "ok", "message": f"New join code: {workshop.revoke_code()}"}
    elif msg.type == "end":
        return {"type": "ok", "message": "Ending the session…", "end": True}
    return None
