"""Import snippets from our own exports and from other tools' formats.

Everything goes through `LibraryService.merge`, so importing never duplicates code (content-hash
dedup) and importing the same file twice imports nothing the second time. Our own formats
(JSONL, Markdown with our front matter, Parquet) keep ids, timestamps and counters; foreign ones
(VS Code snippets, hand-written Markdown, plain source files) are enriched like a fresh save.
Secret findings are recomputed in both cases: a file must never be trusted to say "no secrets".

A bad record or file is counted as failed with a one-line message (no traceback, no content) and
never stops the rest; deliberate skips (binary files, dependency folders, duplicates) say why.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pieces_lsp import secrets
from pieces_lsp.errors import (
    PiecesError,
    PortabilityError,
    UnsupportedFormatError,
)
from pieces_lsp.model import MAX_CONTENT_BYTES, Snippet
from pieces_lsp.portability import folder, jsonl, markdown, vscode
from pieces_lsp.portability.folder import Skip

if TYPE_CHECKING:
    from pieces_lsp.library.service import LibraryService

IMPORT_FORMATS = ("jsonl", "markdown", "parquet", "vscode", "folder")
_MAX_MARKDOWN_BYTES = 4 * MAX_CONTENT_BYTES
"""A Markdown file is one snippet plus a header; anything much bigger is not one of ours."""

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class FileReport:
    """What happened to one file (or one skipped folder). `errors` holds one line per failed
    record and, prefixed with "skipped:", the reason a file or folder was left out."""

    path: str
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "imported": self.imported,
            "skipped": self.skipped,
            "failed": self.failed,
            "errors": list(self.errors),
        }


@dataclass(slots=True)
class ImportReport:
    imported: int = 0
    skipped: int = 0
    failed: int = 0
    files: list[FileReport] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "skipped": self.skipped,
            "failed": self.failed,
            "files": [f.to_dict() for f in self.files],
        }


# -- guessing the format -------------------------------------------------------------------------


def _is_markdown(path: Path) -> bool:
    return path.suffix.lower() in markdown.SUFFIXES


def _holds_our_markdown(root: Path) -> bool:
    for path, skip in folder.walk(root):
        if skip is None and _is_markdown(path):
            try:
                with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
                    if markdown.has_front_matter(fh.read(65536)):
                        return True
            except OSError:
                continue
    return False


def guess_format(path: Path) -> str:
    """The import format for `path`, from its name (and, for .json and folders, a look inside);
    UnsupportedFormatError when it cannot be told."""
    if path.is_dir():
        return "markdown" if _holds_our_markdown(path) else "folder"
    name = path.name.lower()
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".parquet":
        return "parquet"
    if suffix in markdown.SUFFIXES:
        return "markdown"
    if name.endswith(vscode.SUFFIX):
        return "vscode"
    if suffix == ".json":
        try:
            data = vscode.load(path)
        except PortabilityError as exc:
            raise UnsupportedFormatError(f"{path.name}: {exc.message}") from None
        if vscode.looks_like_snippets(data):
            return "vscode"
        raise UnsupportedFormatError(f"{path.name} is JSON but not a VS Code snippet file")
    raise UnsupportedFormatError(
        f"cannot tell the import format of {path.name}; give one of: {', '.join(IMPORT_FORMATS)}"
    )


# -- reading -------------------------------------------------------------------------------------

Unit = tuple[FileReport, list[Snippet]]
"""One file's report and the snippets read from it, ready to merge."""


class _Reader:
    """Turns files into ready-to-merge snippets, filling each file's report as it goes."""

    def __init__(self, library: LibraryService) -> None:
        self.library = library

    @staticmethod
    def own(s: Snippet) -> Snippet:
        s.secrets = secrets.findings(s.content, language=s.language)
        return s

    def foreign(self, s: Snippet) -> Snippet:
        return self.library.enrich_imported(s)

    def records(
        self,
        path: Path,
        items: Callable[[], Iterable[Snippet | PortabilityError]],
        prepare: Callable[[Snippet], Snippet],
    ) -> Unit:
        """A file of many records: each failure is counted, a file-level failure too."""
        report = FileReport(str(path))
        out: list[Snippet] = []
        try:
            for item in items():
                if isinstance(item, PortabilityError):
                    report.failed += 1
                    report.errors.append(item.message)
                else:
                    out.append(prepare(item))
        except PiecesError as exc:
            report.failed += 1
            report.errors.append(exc.message)
        except OSError as exc:
            report.failed += 1
            report.errors.append(f"cannot read file: {exc.strerror or type(exc).__name__}")
        return report, out

    def markdown_file(self, path: Path) -> Unit:
        report = FileReport(str(path))
        try:
            if path.stat().st_size > _MAX_MARKDOWN_BYTES:
                report.skipped += 1
                report.errors.append("skipped: too large to be a snippet file")
                return report, []
            with path.open("r", encoding="utf-8", newline="") as fh:
                parsed = markdown.parse(fh.read())
            if not parsed.own and not (parsed.fields.get("source") or {}).get("uri"):
                parsed.fields["source"] = {"uri": path.absolute().as_uri()}
            snippet = Snippet.from_dict(parsed.fields)
        except UnicodeDecodeError:
            report.failed += 1
            report.errors.append("not UTF-8 text")
            return report, []
        except OSError as exc:
            report.failed += 1
            report.errors.append(f"cannot read file: {exc.strerror or type(exc).__name__}")
            return report, []
        except Exception as exc:  # a malformed file must not stop the others
            report.failed += 1
            report.errors.append(jsonl.describe_failure(exc))
            return report, []
        return report, [self.own(snippet) if parsed.own else self.foreign(snippet)]

    def source_file(self, path: Path, root: Path) -> Unit:
        report = FileReport(str(path))
        try:
            item = folder.read_source(path, root)
        except PiecesError as exc:
            report.failed += 1
            report.errors.append(exc.message)
            return report, []
        if isinstance(item, Skip):
            report.skipped += 1
            report.errors.append(f"skipped: {item.reason}")
            return report, []
        return report, [self.foreign(item)]

    def folder_file(self, path: Path, root: Path) -> Unit:
        """A folder being migrated may be an editor's snippets folder: its snippet files are
        read as snippets, not saved whole as JSON."""
        if path.name.lower().endswith(vscode.SUFFIX):
            return self.records(path, lambda: vscode.read(path), self.foreign)
        if path.suffix.lower() == ".json":
            try:
                data = vscode.load(path)
            except PortabilityError:
                data = None
            if data is not None and vscode.looks_like_snippets(data):
                return self.records(path, lambda: vscode.read(path, data), self.foreign)
        return self.source_file(path, root)

    def tree(
        self, root: Path, one: Callable[[Path], Unit], accept: Callable[[Path], str]
    ) -> Iterator[Unit]:
        """Every file under `root`; `accept` returns "" to read a file or why it is skipped."""
        for path, skip in folder.walk(root):
            reason = skip.reason if skip is not None else accept(path)
            if reason:
                yield FileReport(str(path), skipped=1, errors=[f"skipped: {reason}"]), []
            else:
                yield one(path)

    def read(self, source: Path, fmt: str) -> Iterator[Unit]:
        if fmt == "jsonl":
            yield self.records(source, lambda: jsonl.read(source), self.own)
        elif fmt == "parquet":
            from pieces_lsp.storage.parquet import read_parquet

            yield self.records(source, lambda: read_parquet(source), self.own)
        elif fmt == "vscode":
            yield self.records(source, lambda: vscode.read(source), self.foreign)
        elif fmt == "markdown" and source.is_dir():
            yield from self.tree(
                source,
                self.markdown_file,
                lambda p: "" if _is_markdown(p) else "not a Markdown file",
            )
        elif fmt == "markdown":
            yield self.markdown_file(source)
        elif source.is_dir():
            yield from self.tree(source, lambda p: self.folder_file(p, source), lambda p: "")
        else:
            yield self.source_file(source, source.parent)


# -- merging -------------------------------------------------------------------------------------


def _merge(library: LibraryService, units: list[Unit], on_progress: Progress | None) -> None:
    """Merge everything in one pass (batched transactions), then credit each file with what
    was imported from it: merge keeps the first snippet of each content hash and skips the rest,
    so walking the files in the same order attributes every snippet exactly."""
    every = [s for _, items in units for s in items]
    total = len(every)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if on_progress:
            on_progress(done, total)

    if on_progress:
        on_progress(0, total)
    imported = set(library.merge(every, on_progress=advance).hashes)
    for report, items in units:
        for s in items:
            if s.content_hash in imported:
                imported.discard(s.content_hash)
                report.imported += 1
            else:
                report.skipped += 1


def import_path(
    library: LibraryService,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    on_progress: Progress | None = None,
) -> ImportReport:
    """Import a file or folder (format guessed when `fmt` is None) and report, per file, how
    many snippets were imported, skipped as already known or deliberately left out, or failed."""
    source = Path(path).expanduser()
    if not source.exists():
        raise PortabilityError(f"{source} does not exist")
    if fmt is None:
        fmt = guess_format(source)
    elif fmt not in IMPORT_FORMATS:
        raise UnsupportedFormatError(
            f"cannot import {fmt!r}; choose one of: {', '.join(IMPORT_FORMATS)}"
        )
    if source.is_dir() and fmt not in ("markdown", "folder"):
        raise PortabilityError(f"{source} is a folder; the {fmt} format is a single file")
    units = list(_Reader(library).read(source, fmt))
    _merge(library, units, on_progress)
    report = ImportReport(files=[u[0] for u in units])
    for f in report.files:
        report.imported += f.imported
        report.skipped += f.skipped
        report.failed += f.failed
    return report
