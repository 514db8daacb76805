"""Human output (rich tables on stdout, progress on stderr) and the JSON alternative."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pieces_lsp.model import Snippet


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    header: bool = True,
) -> None:
    from rich.table import Table

    t = Table(title=title, show_lines=False, header_style="bold", show_header=header)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*("" if v is None else str(v) for v in r))
    _console().print(t)


def snippet_rows(items: Sequence[Snippet]) -> list[list[str]]:
    return [
        [
            s.id[:8],
            s.title[:60],
            s.language,
            ", ".join(s.tags[:5]),
            s.updated_at.strftime("%Y-%m-%d %H:%M"),
        ]
        for s in items
    ]


SNIPPET_COLUMNS = ["id", "title", "language", "tags", "updated"]


def show_enrichment(d: dict[str, Any]) -> None:
    """Enrichment as aligned `field: value` lines (plain text: scripts grep it, people read it)."""
    rows: list[tuple[str, str]] = [
        ("title", d.get("title") or ""),
        ("language", d.get("language") or ""),
        ("kind", d.get("kind") or ""),
        ("frameworks", ", ".join(d.get("frameworks") or []) or "none"),
    ]
    if d.get("project_frameworks"):
        rows.append(("project", ", ".join(d["project_frameworks"])))
    rows += [("tags", ", ".join(d.get("tags") or [])), ("description", d.get("description") or "")]
    if d.get("suggested_tags"):
        rows.append(("suggested", ", ".join(d["suggested_tags"])))
    for url in d.get("links") or []:
        rows.append(("link", url))
    for r in d.get("related_links") or []:
        rows.append(("docs", f"{r['url']}  ({r.get('title') or r.get('source')})"))
    for f in d.get("secrets") or []:
        rows.append(("secret", f"{f['rule']} on line {int(f['line']) + 1}"))
    if d.get("template"):
        stops = len(set(re.findall(r"\$\{(\d+)", d["template"])))
        rows.append(("template", f"{stops} placeholder(s); see --json for the LSP snippet"))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        sys.stdout.write(f"{key.rjust(width)}: {value}\n")


def show_snippet(s: Snippet) -> None:
    from rich.panel import Panel
    from rich.syntax import Syntax

    con = _console()
    meta = [
        f"[bold]{_esc(s.title)}[/bold]",
        f"id: {s.id}",
        f"language: {s.language}",
    ]
    if s.tags:
        meta.append("tags: " + ", ".join(s.tags))
    if s.description:
        meta.append(_esc(s.description))
    if s.secrets:
        meta.append(
            "[yellow]secrets: "
            + "; ".join(f"{f.rule} (line {f.line + 1})" for f in s.secrets)
            + "[/yellow]"
        )
    if s.source.uri:
        meta.append(f"source: {_esc(s.source.uri)}")
    meta.append(f"used {s.inserted_count}x; updated {s.updated_at:%Y-%m-%d %H:%M}")
    con.print("\n".join(meta))
    lexer = s.language if s.language != "plaintext" else "text"
    con.print(Panel(Syntax(s.content, lexer, line_numbers=True, word_wrap=False)))


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar on stderr when it is a terminal; silent otherwise (scripts, CI)."""
    if not sys.stderr.isatty():
        yield lambda done, total=None: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)

        def update(done: int, new_total: int | None = None) -> None:
            if new_total is not None:
                bar.update(task, total=new_total)
            bar.update(task, completed=done)

        yield update
