"""Export the library (or a filtered part of it) to JSON Lines, Markdown or Parquet.

Files are replaced atomically where the format is one file, so an interrupted export never leaves
a truncated file that a later import would half-read. DuckDB is imported only for Parquet, keeping
the other formats (and the language server) free of it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pieces_lsp import secrets
from pieces_lsp.errors import PortabilityError, UnsupportedFormatError
from pieces_lsp.model import ListQuery, Snippet, content_hash
from pieces_lsp.portability import jsonl, markdown

if TYPE_CHECKING:
    from pieces_lsp.library.service import LibraryService

EXPORT_FORMATS = ("jsonl", "markdown", "parquet")

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: str
    count: int


def redact_snippet(s: Snippet) -> Snippet:
    """A copy safe to share: every secret in the content, template, title, description, links
    and provenance replaced by `<redacted:RULE>` (URLs can carry tokens too)."""

    def scrub(text: str | None) -> str | None:
        return None if text is None else secrets.redact(text)

    # The code is read in its language, as on save: the findings it was stored with and the
    # redaction agree.
    content = secrets.redact(s.content, language=s.language)
    return dataclasses.replace(
        s,
        title=secrets.redact(s.title),
        description=secrets.redact(s.description),
        content=content,
        content_hash=content_hash(content),
        secrets=secrets.findings(content, language=s.language),
        links=[secrets.redact(link) for link in s.links],
        template=None if s.template is None else secrets.redact(s.template, language=s.language),
        source=dataclasses.replace(
            s.source, uri=scrub(s.source.uri), git_remote=scrub(s.source.git_remote)
        ),
    )


def _reporting(items: list[Snippet], on_progress: Progress | None) -> Iterator[Snippet]:
    """Yield the snippets, telling `on_progress(done, total)` as each one is written."""
    total = len(items)
    if on_progress:
        on_progress(0, total)
    for done, s in enumerate(items, start=1):
        yield s
        if on_progress:
            on_progress(done, total)


def _write_jsonl(items: Iterable[Snippet], target: Path) -> int:
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    count = 0
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as fh:
            for s in items:
                fh.write(jsonl.encode(s) + "\n")
                count += 1
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return count


def _write_markdown(items: Iterable[Snippet], target: Path) -> int:
    """One file per snippet in the folder `target` (created if needed)."""
    if target.exists() and not target.is_dir():
        raise PortabilityError(f"{target} exists and is not a folder (Markdown exports a folder)")
    target.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    count = 0
    for s in items:
        name = markdown.file_name(s)
        if name in used:  # same slug and same 8-character id prefix: use the whole id
            name = f"{markdown.slug(s.title)}-{s.id}.md"
        used.add(name)
        with (target / name).open("w", encoding="utf-8", newline="") as fh:
            fh.write(markdown.render(s))
        count += 1
    return count


def _write_parquet(items: Iterable[Snippet], target: Path) -> int:
    from pieces_lsp.storage.parquet import write_parquet

    return write_parquet(items, target)


_WRITERS: dict[str, Callable[[Iterable[Snippet], Path], int]] = {
    "jsonl": _write_jsonl,
    "markdown": _write_markdown,
    "parquet": _write_parquet,
}


def export_library(
    library: LibraryService,
    path: str | os.PathLike[str],
    fmt: str,
    *,
    redact: bool = False,
    query: ListQuery | None = None,
    on_progress: Progress | None = None,
) -> ExportResult:
    """Write every snippet matching `query` (all when None), oldest first, to `path` in `fmt`
    ("jsonl", "markdown" = a folder of .md files, or "parquet")."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise UnsupportedFormatError(
            f"cannot export to {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}"
        )
    target = Path(path).expanduser().absolute()
    items = list(library.iter_snippets(query))
    if redact:
        items = [redact_snippet(s) for s in items]
    try:
        if fmt != "markdown":
            if target.is_dir():
                raise PortabilityError(f"{target} is a folder; give a file name to export to")
            target.parent.mkdir(parents=True, exist_ok=True)
        count = writer(_reporting(items, on_progress), target)
    except OSError as exc:
        raise PortabilityError(
            f"cannot write {exc.filename or target}: {exc.strerror or type(exc).__name__}"
        ) from None
    return ExportResult(path=str(target), count=count)
