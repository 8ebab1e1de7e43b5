"""One way to write results: blocks of content, and one renderer per output.

Every result sysmap prints (an analysis, a comparison, a plan, a checklist
score, the workshop report) says what it holds as a list of *blocks* —
headings, paragraphs, bullet lists, tables, notes — and the renderers here
write those blocks as plain text, Markdown or HTML. Text from the map is
escaped by the renderer for the output it writes, once, so no result escapes
anything itself and no text/Markdown pair is written twice by hand.

A result class gets ``format_text`` and ``format_markdown`` by inheriting
:class:`Rendered` and writing one method, :meth:`Rendered.blocks`::

    >>> class Count(Rendered):
    ...     def blocks(self):
    ...         return [Heading("Stakeholders", 2), Table(["role", "n"], [["leader", 3]])]
    >>> print(Count().format_text())
    Stakeholders
    <BLANKLINE>
    role    n
    leader  3
    >>> print(Count().format_markdown())
    ## Stakeholders
    <BLANKLINE>
    | role | n |
    |---|---|
    | leader | 3 |

Numbers for people go through :func:`fmt_number` and shares through
:func:`pct`, so a figure reads the same in every output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, TypeAlias

from sysmap.escape import markdown_text

__all__ = [
    "Block",
    "Bullets",
    "Cards",
    "Chart",
    "Embed",
    "Heading",
    "Lines",
    "Mark",
    "Note",
    "Para",
    "Rendered",
    "Section",
    "Table",
    "Tiles",
    "fmt_number",
    "md_table",
    "pct",
    "plural",
    "and_list",
    "render_html",
    "render_markdown",
    "render_text",
    "text_table",
]


# ---------------------------------------------------------------- numbers


def fmt_number(value: Any, digits: int = 2) -> str:
    """Numbers for people: whole numbers plain, others rounded.

    Example
    -------
    >>> fmt_number(3.0), fmt_number(0.12345), fmt_number(None), fmt_number("x")
    ('3', '0.12', '—', 'x')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.{digits}f}"
    return str(value)


def pct(share: float | None) -> str:
    """A share (0 to 1) as a whole percentage; a share that is not nothing never
    reads as 0%, nor a share short of everything as 100%.

    Example
    -------
    >>> pct(0.5), pct(0.001), pct(0.999), pct(0), pct(1), pct(None)
    ('50%', 'under 1%', 'over 99%', '0%', '100%', '—')
    """
    if share is None:
        return "—"
    p = share * 100
    if 0 < p < 0.5:
        return "under 1%"
    if 99.5 <= p < 100:
        return "over 99%"
    return f"{int(p + 0.5)}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and the word, in the plural unless ``n`` is one.

    Example
    -------
    >>> plural(1, "loop"), plural(1200, "loop"), plural(2, "person", "people")
    ('1 loop', '1,200 loops', '2 people')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def and_list(items: Sequence[str], limit: int = 5, noun: str = "") -> str:
    """Names as people list them: "A, B and C", or "A, B and 3 more" past ``limit``.

    Example
    -------
    >>> and_list(["Ana"]), and_list(["Ana", "Ben", "Cy"]), and_list(list("abcdefg"), 2, "people")
    ('Ana', 'Ana, Ben and Cy', 'a, b and 5 more people')
    """
    items = list(items)
    if len(items) > limit:
        more = len(items) - limit
        return ", ".join(items[:limit]) + f" and {more:,} more{' ' + noun if noun else ''}"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ----------------------------------------------------------------- blocks


@dataclass
class Mark:
    """A table cell or list item with a status: ``good``, ``warn``, ``bad`` or ``""``.

    Text and Markdown show the text; HTML colours it by its status.
    """

    text: str
    kind: str = ""


@dataclass
class Heading:
    """A heading: level 1 is the document, 2 a result or section, 3 a part of one."""

    text: str
    level: int = 3
    id: str | None = None


@dataclass
class Para:
    """A paragraph; ``label`` is a lead-in shown in bold where the output can."""

    text: str
    label: str | None = None
    cls: str = ""


@dataclass
class Lines:
    """Short lines that belong together (figures, one per line)."""

    lines: list[str]


@dataclass
class Bullets:
    items: list[str | Mark]
    cls: str = ""


@dataclass
class Table:
    """A table. ``total`` is the number of rows before they were cut to ``rows``;
    ``more`` says where the rest are (``"all in the JSON"``)."""

    headers: list[str]
    rows: list[list[Any]]
    caption: str | None = None
    total: int | None = None
    cls: str = ""
    more: str | None = None

    def more_line(self) -> str | None:
        """``… and N more`` when rows were left out, else None."""
        if self.total is None or self.total <= len(self.rows):
            return None
        where = f" ({self.more})" if self.more else ""
        return f"… and {self.total - len(self.rows):,} more{where}"


@dataclass
class Chart:
    """A chart drawn as SVG; text and Markdown show its ``table`` instead."""

    svg: str
    caption: str
    table: Table


@dataclass
class Tiles:
    tiles: list[tuple[str, str, str]]  # (figure, label, status)


@dataclass
class Note:
    """A remark set apart from the text (a caution, an aside)."""

    text: str
    kind: str = ""


@dataclass
class Embed:
    """Trusted markup built by sysmap itself (never map text), with what Markdown
    and plain text show in its place."""

    html: str
    markdown: str
    cls: str = ""
    text: str = ""


@dataclass
class Cards:
    """Blocks laid out side by side on a screen, one after another in print."""

    cards: list[list[Any]]


@dataclass
class Section:
    """A titled part of a document, with its own blocks."""

    id: str
    title: str
    kicker: str = ""
    intro: str = ""
    blocks: list[Any] = field(default_factory=list)


Block: TypeAlias = (
    Heading | Para | Lines | Bullets | Table | Chart | Tiles | Note | Embed | Cards | Section
)


class Rendered:
    """A result that says what it holds as blocks and prints itself from them.

    Subclasses write :meth:`blocks`; :meth:`format_text` and
    :meth:`format_markdown` come from the renderers here.
    """

    def blocks(self) -> list[Block]:
        """The result's content, in reading order."""
        raise NotImplementedError

    def format_text(self) -> str:
        """The result as plain text (map text kept as written)."""
        return render_text(self.blocks())

    def format_markdown(self) -> str:
        """The result as Markdown (map text escaped: no markup, links or HTML)."""
        return render_markdown(self.blocks())


# ------------------------------------------------------------------ tables


def _cell_text(value: Any) -> str:
    if isinstance(value, Mark):
        return value.text
    return fmt_number(value)


def text_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table with aligned columns.

    Example
    -------
    >>> print(text_table(["role", "n"], [["leader", 3], ["provider", 12]]))
    role      n
    leader    3
    provider  12
    """
    cells = [[_cell_text(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _md(value: Any) -> str:
    return markdown_text(_cell_text(value))


def md_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table; the text in cells and headers shows as written
    (:func:`sysmap.escape.markdown_text`: no markup, links or HTML).

    Example
    -------
    >>> print(md_table(["role", "n"], [["leader", 3]]))
    | role | n |
    |---|---|
    | leader | 3 |
    """
    out = ["| " + " | ".join(_md(h) or " " for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_md(c) or " " for c in row) + " |" for row in rows]
    return "\n".join(out)


# -------------------------------------------------------------- plain text


def _text_block(b: Any) -> list[str]:
    if isinstance(b, Heading):
        return [b.text if b.level < 3 or b.text.endswith((":", "?", ".")) else b.text + ":"]
    if isinstance(b, Para):
        return [f"{b.label} {b.text}" if b.label else b.text]
    if isinstance(b, Lines):
        return list(b.lines)
    if isinstance(b, Bullets):
        return [f"- {_cell_text(i)}" for i in b.items]
    if isinstance(b, Table):
        out = [b.caption + ":"] if b.caption else []
        out.append(text_table(b.headers, b.rows))
        more = b.more_line()
        return out + ([more] if more else [])
    if isinstance(b, Chart):
        return _text_block(Table(b.table.headers, b.table.rows, b.caption, b.table.total))
    if isinstance(b, Tiles):
        return [f"- {fig} {label}" for fig, label, _ in b.tiles]
    if isinstance(b, Note):
        return [b.text]
    if isinstance(b, Embed):
        return [b.text] if b.text else []
    if isinstance(b, Cards):
        return _join_text([x for card in b.cards for x in card])
    if isinstance(b, Section):
        head = [Heading(b.title, 2)] + ([Para(b.intro)] if b.intro else [])
        return _join_text([*head, *b.blocks])
    raise TypeError(f"not a block: {b!r}")


def _join_text(blocks: list[Any]) -> list[str]:
    """Blocks one after another with a blank line between them, except that a
    part's heading (level 3) sits right above what it heads."""
    out: list[str] = []
    tight = False
    for b in blocks:
        lines = _text_block(b)
        if not lines:
            continue
        if out and not tight:
            out.append("")
        out += lines
        tight = isinstance(b, Heading) and b.level >= 3
    return out


def render_text(blocks: list[Any]) -> str:
    """Blocks as plain text: map text as written, tables with aligned columns.

    Example
    -------
    >>> print(render_text([Heading("Power", 2), Heading("Findings"), Bullets(["A & B"])]))
    Power
    <BLANKLINE>
    Findings:
    - A & B
    """
    return "\n".join(_join_text(blocks))


# ---------------------------------------------------------------- Markdown


def _md_table(t: Table) -> list[str]:
    out = [f"*{markdown_text(t.caption)}*", ""] if t.caption else []
    out.append(md_table(t.headers, t.rows))
    more = t.more_line()
    return out + (["", markdown_text(more)] if more else [])


def _md_block(b: Any) -> list[str]:
    if isinstance(b, Heading):
        return ["#" * b.level + " " + markdown_text(b.text)]
    if isinstance(b, Para):
        label = f"**{markdown_text(b.label)}** " if b.label else ""
        return [label + markdown_text(b.text)]
    if isinstance(b, Lines):
        return ["  \n".join(markdown_text(line) for line in b.lines)]
    if isinstance(b, Bullets):
        return [f"- {_md(i)}" for i in b.items]
    if isinstance(b, Table):
        return _md_table(b)
    if isinstance(b, Chart):
        return [f"*{markdown_text(b.caption)}*", "", *_md_table(b.table)]
    if isinstance(b, Tiles):
        return [f"- **{markdown_text(fig)}** {markdown_text(label)}" for fig, label, _ in b.tiles]
    if isinstance(b, Note):
        return [f"> {markdown_text(b.text)}"]
    if isinstance(b, Embed):
        return [b.markdown] if b.markdown else []
    if isinstance(b, Cards):
        return _join_markdown([x for card in b.cards for x in card])
    if isinstance(b, Section):
        head: list[Any] = [Embed("", f'<a id="{escape(b.id)}"></a>'), Heading(b.title, 2)]
        if b.intro:
            head.append(Embed("", f"*{markdown_text(b.intro)}*"))
        return _join_markdown([*head, *b.blocks])
    raise TypeError(f"not a block: {b!r}")


def _join_markdown(blocks: list[Any]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        lines = _md_block(b)
        if lines:
            out += ([""] if out else []) + lines
    return out


def render_markdown(blocks: list[Any]) -> str:
    """Blocks as Markdown. Every text is escaped, so map text never becomes
    markup, a link or HTML.

    Example
    -------
    >>> print(render_markdown([Heading("Power", 2), Bullets(["*A* <b>"])]))
    ## Power
    <BLANKLINE>
    - \\*A\\* &lt;b&gt;
    """
    return "\n".join(_join_markdown(blocks))


# -------------------------------------------------------------------- HTML


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _h_text(value: Any) -> str:
    if isinstance(value, Mark):
        cls = f' class="mark {_e(value.kind)}"' if value.kind else ' class="mark"'
        return f"<span{cls}>{_e(value.text)}</span>"
    return _e(fmt_number(value) if value is not None else "")


def _cls(name: str) -> str:
    return f' class="{_e(name)}"' if name else ""


def _html_table(b: Table) -> str:
    # a wide table scrolls in its own box, which the keyboard can reach
    name = _e(b.caption or ", ".join(h for h in b.headers if h))
    out = [f'<div class="table-wrap" tabindex="0" role="group" aria-label="{name}">']
    out.append(f"<table{_cls(b.cls)}>")
    if b.caption:
        out.append(f"<caption>{_e(b.caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in b.headers) + "</tr></thead>")
    out.append("<tbody>")
    for row in b.rows:
        out.append("<tr>" + "".join(f"<td>{_h_text(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    if b.total is not None and b.total > len(b.rows):
        out.append(
            f'<p class="more">… and {b.total - len(b.rows):,} more (the first '
            f"{len(b.rows):,} are shown).</p>"
        )
    out.append("</div>")
    return "".join(out)


def _html_block(b: Any) -> str:
    if isinstance(b, Heading):
        ident = f' id="{_e(b.id)}"' if b.id else ""
        return f"<h{b.level}{ident}>{_e(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        label = f"<strong>{_e(b.label)}</strong> " if b.label else ""
        return f"<p{_cls(b.cls)}>{label}{_e(b.text)}</p>"
    if isinstance(b, Lines):
        return "<p>" + "<br>".join(_e(line) for line in b.lines) + "</p>"
    if isinstance(b, Bullets):
        return f"<ul{_cls(b.cls)}>" + "".join(f"<li>{_h_text(i)}</li>" for i in b.items) + "</ul>"
    if isinstance(b, Table):
        return _html_table(b)
    if isinstance(b, Chart):
        caption = f"<figcaption>{_e(b.caption)}</figcaption>"
        return f'<figure class="chart-figure">{b.svg}{caption}</figure>'
    if isinstance(b, Tiles):
        tiles = "".join(
            f'<div class="tile {_e(kind)}"><span class="figure">{_e(fig)}</span>'
            f'<span class="label">{_e(label)}</span></div>'
            for fig, label, kind in b.tiles
        )
        return f'<div class="tiles">{tiles}</div>'
    if isinstance(b, Note):
        return f'<p class="note {_e(b.kind)}">{_e(b.text)}</p>'
    if isinstance(b, Embed):
        return f'<div class="{_e(b.cls)}">{b.html}</div>'
    if isinstance(b, Cards):
        cards = "".join(
            '<div class="card">' + "".join(_html_block(x) for x in card) + "</div>"
            for card in b.cards
        )
        return f'<div class="cards">{cards}</div>'
    if isinstance(b, Section):
        intro = [Para(b.intro, cls="intro")] if b.intro else []
        inner = render_html([Heading(b.title, 2), *intro, *b.blocks])
        return f'<section id="{_e(b.id)}">{inner}</section>'
    raise TypeError(f"not a block: {b!r}")


def render_html(blocks: list[Any]) -> str:
    """Blocks as HTML fragments; every text is escaped.

    Example
    -------
    >>> render_html([Para("<script>", label="Note:")])
    '<p><strong>Note:</strong> &lt;script&gt;</p>'
    """
    return "\n".join(_html_block(b) for b in blocks)
