"""Running a workshop: a real ASGI server (uvicorn) on a socket of its own."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sysmap.errors import BadArgument, MissingDependency, WorkshopError
from sysmap.workshop.hub import Workshop
from sysmap.workshop.summary import SessionSummary

__all__ = ["run_workshop", "start_workshop", "RunningWorkshop", "lan_address"]


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return str(s.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise BadArgument(
            f"cannot listen on {host}:{port} ({exc.strerror}) — choose another --port",
            argument="port",
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _server(workshop: Workshop, sock: socket.socket, host: str) -> Any:
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - a dependency
        raise MissingDependency("the workshop needs uvicorn — pip install uvicorn") from None
    from sysmap.workshop.app import create_app
    from sysmap.workshop.protocol import MAX_MESSAGE_BYTES

    shown = lan_address() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    workshop.base_url = f"http://{shown}:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        create_app(workshop),
        log_level="warning",
        access_log=False,
        ws_max_size=MAX_MESSAGE_BYTES * 2,
        ws_per_message_deflate=False,  # maps go to every phone often: spare the CPU
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    workshop.on_end = lambda: setattr(server, "should_exit", True)
    return server


def _executor(helper_process: bool) -> Executor | None:
    if not helper_process:
        return None
    import multiprocessing

    # the file is written in the background (the journal already holds every
    # change): the helper yields the processor to the server answering the room
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=os.nice,
        initargs=(10,),
    )


def run_workshop(
    map_file: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    accept_directly: bool = False,
    show_sensitive: bool = False,
    names_in_map: bool = False,
    summary: str | os.PathLike[str] | None = None,
    on_ready: Callable[[Workshop], None] | None = None,
    helper_process: bool = True,
) -> SessionSummary:
    """Run a live workshop on a map until the facilitator ends it (or Ctrl-C).

    Parameters
    ----------
    map_file : the map; accepted contributions are written into it
    host, port : where to listen (localhost unless you choose otherwise;
        ``0.0.0.0`` lets phones on the same network join)
    accept_directly : write proposals without review
    show_sensitive : show sensitive stakeholders to participants
    names_in_map : write display names into evidence notes
    summary : also write the session summary to this file
    on_ready : called with the :class:`Workshop` once it listens (print
        its ``facilitator_url`` and ``join_url``)
    helper_process : compute file edits in a helper process

    Returns
    -------
    SessionSummary
        What the session did (also in ``MAP.workshop/summary.md`` when it ended).

    Raises
    ------
    MapInvalid, BadArgument
        The map has problems, or the port is taken.
    """
    workshop = Workshop(
        map_file,
        accept_directly=accept_directly,
        show_sensitive=show_sensitive,
        names_in_map=names_in_map,
        summary=summary,
    )
    workshop.open()  # fail here, before any server starts, on a bad map
    sock = _bind(host, port)
    pool = workshop.executor = _executor(helper_process)
    server = _server(workshop, sock, host)
    if on_ready is not None:
        on_ready(workshop)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return workshop.summary()


@dataclass
class RunningWorkshop:
    """A workshop served from a background thread (tests, notebooks)."""

    workshop: Workshop
    server: Any
    thread: threading.Thread
    port: int

    @property
    def facilitator_url(self) -> str:
        return self.workshop.facilitator_url

    @property
    def join_url(self) -> str:
        return self.workshop.join_url

    def stop(self) -> None:
        """Stop the server (everything accepted is written first)."""
        self.server.should_exit = True
        self.thread.join(timeout=30)

    def __enter__(self) -> RunningWorkshop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_workshop(
    map_file: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 0, **options: Any
) -> RunningWorkshop:
    """Start a workshop in a background thread and return once it listens.

    ``port=0`` takes a free port. Options as for :class:`Workshop`.

    Example
    -------
    >>> with start_workshop("examples/small.yaml") as w:  # doctest: +SKIP
    ...     print(w.facilitator_url, w.join_url)
    """
    sock = _bind(host, port)
    workshop = Workshop(map_file, **options)
    try:
        workshop.open()
    except BaseException:
        sock.close()
        raise
    server = _server(workshop, sock, host)

    def serve() -> None:
        asyncio.run(server.serve(sockets=[sock]))
        sock.close()

    thread = threading.Thread(target=serve, name="sysmap-workshop", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.02)
    if not server.started:
        raise WorkshopError(
            f"the workshop on {map_file} did not start — see the messages above", code="not-started"
        )
    return RunningWorkshop(workshop, server, thread, sock.getsockname()[1])
