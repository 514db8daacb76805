"""CLI command implementations: parse, call the services, print. Exit codes: 0 ok, 1 a user
error with a one-line message, 2 usage (argparse)."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pieces_lsp.app import Services, build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.errors import (
    EgressDisabledError,
    NotFoundError,
    PiecesError,
    UserError,
    ValidationError,
)

ENV_PASSPHRASE = "PIECES_LSP_PASSPHRASE"
_RANGE = re.compile(r"^(?P<path>.+):(?P<start>\d+)(?:-(?P<end>\d+))?$")


def run(argv: list[str]) -> int:
    from pieces_lsp.cli.parser import build_parser

    parser = build_parser()
    ns = parser.parse_args(argv)
    if not ns.command:
        parser.print_help()
        return 2
    from pieces_lsp.logs import setup_logging

    setup_logging()
    try:
        config = resolve_config({"home": ns.home, "profile": ns.profile})
        for warning in config.warnings:
            if ns.profile and warning.startswith("profile"):
                raise ValidationError("--profile", warning.split(": ", 1)[1].split(";")[0])
        services = build_services(config)
        return COMMANDS[ns.command](services, ns)
    except EgressDisabledError as exc:
        where = f"\nYour config file: {config.config_path}" if "config" in locals() else ""
        _fail(str(exc) + where, whole=True)
        return 1
    except PiecesError as exc:
        _fail(str(exc))
        return 1
    except KeyboardInterrupt:
        _fail("interrupted")
        return 1
    except OSError as exc:
        _fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
        return 1


def _fail(message: str, *, whole: bool = False) -> None:
    """One line, unless the message is a how-to (opting in) that only makes sense whole."""
    if whole and message:
        sys.stderr.write(f"pieces-lsp: error: {message}\n")
        return
    sys.stderr.write(f"pieces-lsp: error: {message.splitlines()[0] if message else 'failed'}\n")


def _resolve_id(services: Services, given: str) -> str:
    """Humans type the 8-character prefix shown in tables."""
    given = given.strip().lower()
    if len(given) == 36:
        return given
    if len(given) < 4:
        raise ValidationError("ID", "give at least 4 characters of the id")
    matches = [s.id for s in services.library.iter_snippets() if s.id.startswith(given)]
    if not matches:
        raise NotFoundError(f"no snippet with an id starting with {given}")
    if len(matches) > 1:
        raise UserError(f"{len(matches)} snippets have ids starting with {given}; give more")
    return matches[0]


# -- commands ------------------------------------------------------------------------------------


def cmd_save(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.model import SnippetDraft, Source

    target: str = ns.target
    start = end = None
    if target == "-":
        content = sys.stdin.read()
        uri = None
    else:
        path = Path(target)
        m = _RANGE.match(target)
        if not path.exists() and m:
            path = Path(m.group("path"))
            start = int(m.group("start"))
            end = int(m.group("end") or start)
            if start < 1 or end < start:
                raise ValidationError("FILE:START-END", "lines are 1-based and START <= END")
        if not path.is_file():
            raise UserError(f"no such file: {path}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise UserError(f"{path} is not UTF-8 text") from None
        if start is not None:
            lines = text.splitlines(keepends=True)
            if start > len(lines):
                raise ValidationError("FILE:START-END", f"the file has only {len(lines)} lines")
            content = "".join(lines[start - 1 : end])
        else:
            content = text
        uri = path.resolve().as_uri()
    source = Source(uri=uri)
    if start is not None:
        source.start_line, source.start_character = start - 1, 0
        source.end_line, source.end_character = end, 0
    from pieces_lsp.analysis.git import git_origin

    if uri:
        source.git_remote, source.git_commit = git_origin(Path(target.split(":")[0]).parent)
    result = services.library.save(
        SnippetDraft(
            content=content,
            title=ns.title,
            description=ns.description,
            language=ns.language,
            tags=ns.tags,
            source=source,
            workspace=str(Path.cwd()),
        )
    )
    s = result.snippet
    project = result.analysis.project_frameworks if result.analysis is not None else []
    alike = []
    # A CLI process has no search index yet: building one costs ~0.2 s per 1,000 snippets, so
    # a save into a large library skips the "already saved something like this" check (the
    # language server, whose index is warm, always makes it).
    if result.created and services.library.count() <= CLI_SIMILAR_MAX_SNIPPETS:
        try:
            alike = services.search.like_new(s.id)
        except PiecesError as exc:  # the save succeeded; similarity is a bonus
            logging.getLogger(__name__).info("similar-on-save skipped: %s", exc)
    if ns.json:
        from pieces_lsp.cli.output import emit_json

        emit_json(
            s.to_dict()
            | {
                "created": result.created,
                "suggested_tags": result.suggested_tags,
                "project_frameworks": project,
                "similar": [h.to_dict() for h in alike],
            }
        )
    else:
        from pieces_lsp.cli.output import show_enrichment

        verb = "saved" if result.created else "already saved"
        print(f"{verb}: {s.id[:8]}")
        show_enrichment(
            s.to_dict() | {"suggested_tags": result.suggested_tags, "project_frameworks": project}
        )
        for h in alike:
            what = "near-duplicate of" if h.near_duplicate else f"like ({h.score:.2f})"
            print(f"you already saved something like this: {what} {h.id[:8]} {h.title}")
        for f in s.secrets:
            print(f"warning: possible secret ({f.rule}) on line {f.line + 1}", file=sys.stderr)
    return 0


def cmd_analyze(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.model import validate_content

    if ns.target == "-":
        content, filename = sys.stdin.read(), None
    else:
        path = Path(ns.target)
        if not path.is_file():
            raise UserError(f"no such file: {path}")
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise UserError(f"{path} is not UTF-8 text") from None
        filename = str(path.resolve())  # its name says the language, its folder the project
    content = validate_content(content)
    result = services.enricher.enrich(
        content, language=ns.language, uri=filename, workspace=str(Path.cwd())
    )
    if ns.json:
        from pieces_lsp.cli.output import emit_json

        emit_json(result.to_dict())
    else:
        from pieces_lsp.cli.output import show_enrichment

        show_enrichment(result.to_dict())
    return 0


CLI_SIMILAR_MAX_SNIPPETS = 5000
EXIT_SECRETS_FOUND = 3
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__"})
_SCAN_MAX_BYTES = 5 * 1024 * 1024


def _scan_inputs(targets: list[str]) -> list[tuple[str, str | None]]:
    """(display name, text or None when unreadable) for each file named or found in a folder."""
    out: list[tuple[str, str | None]] = []
    for target in targets:
        if target == "-":
            out.append(("-", sys.stdin.read()))
            continue
        path = Path(target)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not _SKIP_DIRS.intersection(p.relative_to(path).parts)
            )
        elif path.is_file():
            files = [path]
        else:
            raise UserError(f"no such file or folder: {path}")
        for f in files:
            if f.stat().st_size > _SCAN_MAX_BYTES:
                out.append((str(f), None))
                continue
            data = f.read_bytes()
            if b"\0" in data[:8192]:
                continue  # binary
            try:
                out.append((str(f), data.decode("utf-8")))
            except UnicodeDecodeError:
                out.append((str(f), None))
    return out


def cmd_scan(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp import secrets
    from pieces_lsp.cli.output import emit_json

    inputs = _scan_inputs(ns.targets)
    if ns.redact:
        if len(inputs) != 1 or inputs[0][1] is None:
            raise UserError("--redact prints one text: give one readable file or '-'")
        name, text = inputs[0]
        assert text is not None
        sys.stdout.write(
            secrets.redact(text, filename=None if name == "-" else name, language=ns.language)
        )
        return 0
    ruleset = secrets.load_rules()
    report: list[dict[str, Any]] = []
    skipped: list[str] = []
    for name, text in inputs:
        if text is None:
            skipped.append(name)
            continue
        for f in secrets.findings(
            text, filename=None if name == "-" else name, language=ns.language
        ):
            report.append(
                {
                    "path": name,
                    "line": f.line + 1,
                    "rule": f.rule,
                    "description": ruleset.describe(f.rule),
                    "preview": f.preview,
                }
            )
    if ns.json:
        emit_json({"findings": report, "skipped": skipped})
    else:
        for r in report:
            print(f"{r['path']}:{r['line']}: {r['rule']}: {r['description']}\n    {r['preview']}")
        for name in skipped:
            sys.stderr.write(f"pieces-lsp: skipped {name}: not UTF-8 text or over 5 MB\n")
        files = len({r["path"] for r in report})
        print(
            f"{len(report)} possible secret(s) in {files} file(s)"
            if report
            else f"no secrets found in {len(inputs) - len(skipped)} input(s)"
        )
    return EXIT_SECRETS_FOUND if report else 0


def _list_like(services: Services, ns: argparse.Namespace, text: str | None) -> int:
    from pieces_lsp.cli.output import SNIPPET_COLUMNS, emit_json, snippet_rows, table
    from pieces_lsp.model import ListQuery

    if ns.limit < 0 or getattr(ns, "offset", 0) < 0:
        raise ValidationError("--limit/--offset", "must not be negative")
    page = services.library.list(
        ListQuery(
            language=ns.language,
            tag=ns.tag,
            text=text,
            limit=ns.limit,
            offset=getattr(ns, "offset", 0),
        )
    )
    if ns.json:
        emit_json({"items": [s.to_dict() for s in page.items], "total": page.total})
    elif not page.items:
        print("no snippets" + (" match" if text or ns.language or ns.tag else " yet"))
    else:
        table(None, SNIPPET_COLUMNS, snippet_rows(page.items))
        if page.total > len(page.items):
            print(f"{len(page.items)} of {page.total} shown")
    return 0


def cmd_search(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json, table

    if not ns.query.strip():
        raise ValidationError("QUERY", "is empty")
    hits = services.search.search(
        ns.query,
        limit=ns.limit,
        mode=ns.mode,
        language=ns.language,
        tags=ns.tag or None,
    )
    if ns.json:
        emit_json({"results": [h.to_dict() for h in hits]})
    elif not hits:
        print("no snippets match")
    else:
        rows = [[h.id[:8], h.title[:60], h.language, f"{h.score:.2f}", h.why[:60]] for h in hits]
        table(None, ["id", "title", "language", "score", "why"], rows)
    return 0


def cmd_list(services: Services, ns: argparse.Namespace) -> int:
    return _list_like(services, ns, None)


def cmd_show(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json, show_snippet

    snippet = services.library.get(_resolve_id(services, ns.id))
    if ns.json:
        emit_json(snippet.to_dict())
    else:
        show_snippet(snippet)
    return 0


def cmd_delete(services: Services, ns: argparse.Namespace) -> int:
    sid = _resolve_id(services, ns.id)
    services.library.delete(sid)
    if ns.json:
        from pieces_lsp.cli.output import emit_json

        emit_json({"deleted": True, "id": sid})
    else:
        print(f"deleted {sid[:8]}")
    return 0


def cmd_export(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json, progress
    from pieces_lsp.model import ListQuery
    from pieces_lsp.portability.exporter import export_library

    query = ListQuery(language=ns.language, tag=ns.tag) if ns.language or ns.tag else None
    with progress("exporting") as update:
        result = export_library(
            services.library,
            ns.path,
            ns.format,
            redact=ns.redact,
            query=query,
            on_progress=lambda done, total: update(done, total),
        )
    if ns.json:
        emit_json({"path": result.path, "count": result.count})
    else:
        print(f"exported {result.count} snippets to {result.path}")
    return 0


def cmd_import(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json, progress, table
    from pieces_lsp.portability.importer import import_path

    with progress("importing") as update:
        report = import_path(
            services.library, ns.path, ns.format, on_progress=_progress_adapter(update)
        )
    if ns.json:
        emit_json(report.to_dict())
    else:
        rows = [
            [f.path, f.imported, f.skipped, f.failed, "; ".join(f.errors)[:120]]
            for f in report.files
        ]
        if len(rows) > 1 or (rows and rows[0][4]):
            table(None, ["file", "imported", "skipped", "failed", "notes"], rows)
        print(f"imported {report.imported}, skipped {report.skipped}, failed {report.failed}")
    return 0


def _progress_adapter(update: Callable[[int, int | None], None]) -> Callable[..., None]:
    def call(done: int, total: int | None = None, *_: Any) -> None:
        update(done, total)

    return call


def _read_passphrase(ns: argparse.Namespace, *, confirm: bool) -> str:
    """Never from argv: an env var, a file, or a no-echo prompt."""
    if ns.passphrase_file:
        try:
            value = Path(ns.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise UserError(f"cannot read the passphrase file: {exc.strerror}") from None
    elif os.environ.get(ENV_PASSPHRASE):
        value = os.environ[ENV_PASSPHRASE]
    elif sys.stdin.isatty():
        import getpass

        value = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("Repeat passphrase: ") != value:
            raise UserError("the passphrases do not match")
    else:
        raise UserError(
            f"no passphrase: set {ENV_PASSPHRASE}, use --passphrase-file, or run in a terminal"
        )
    if not value:
        raise ValidationError("passphrase", "is empty")
    return value


def cmd_backup(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json, progress
    from pieces_lsp.portability.backup import write_backup

    passphrase = _read_passphrase(ns, confirm=True)
    library = services.library
    with progress("backing up", library.count()) as update:
        count = write_backup(
            ns.path,
            library.iter_snippets(),
            passphrase,
            profile=services.config.profile,
            on_progress=_progress_adapter(update),
        )
    if ns.json:
        emit_json({"path": str(Path(ns.path).absolute()), "count": count})
    else:
        print(f"backed up {count} snippets to {ns.path}")
    return 0


def cmd_restore(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json
    from pieces_lsp.portability.backup import restore_backup

    passphrase = _read_passphrase(ns, confirm=False)
    mode = "replace" if ns.replace else "merge"
    result = restore_backup(services.library, ns.path, passphrase, mode=mode)
    if ns.json:
        emit_json({"restored": result.restored, "skipped": result.skipped, "mode": mode})
    else:
        print(f"restored {result.restored} snippets ({mode}; {result.skipped} already present)")
    return 0


def cmd_erase(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.errors import ConfirmationRequired

    if not ns.yes:
        raise ConfirmationRequired(
            f"erase deletes every snippet of profile '{services.config.profile}'; "
            "add --yes to confirm"
        )
    deleted = services.library.erase()
    if ns.json:
        from pieces_lsp.cli.output import emit_json

        emit_json({"deleted": deleted})
    else:
        print(f"erased profile '{services.config.profile}': {deleted} snippets deleted")
    return 0


def cmd_stats(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json, table

    stats = services.library.stats()
    if ns.json:
        emit_json(stats.to_dict())
        return 0
    rows: list[list[Any]] = [
        ["profile", stats.profile],
        ["snippets", stats.snippets],
        ["database", stats.path],
        ["size", f"{stats.bytes / 1e6:.2f} MB"],
        ["schema", f"v{stats.schema_version}"],
        ["languages", ", ".join(f"{k} {v}" for k, v in list(stats.languages.items())[:8])],
        ["top tags", ", ".join(f"{k} {v}" for k, v in list(stats.tags.items())[:8])],
    ]
    table(None, ["", ""], rows, header=False)
    return 0


def cmd_doctor(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json, table
    from pieces_lsp.doctor import run_checks

    checks = run_checks(services)
    if ns.json:
        emit_json(
            {"ok": all(c.status != "fail" for c in checks), "checks": [c.to_dict() for c in checks]}
        )
    else:
        table(None, ["check", "status", "detail"], [[c.name, c.status, c.detail] for c in checks])
    failed = [c for c in checks if c.status == "fail"]
    if failed and not ns.json:
        _fail(f"{len(failed)} check(s) failed: " + ", ".join(c.name for c in failed))
    return 1 if failed else 0


def cmd_mcp(services: Services, ns: argparse.Namespace) -> int:
    """stdout becomes the protocol: nothing may have printed yet, and nothing will."""
    from pieces_lsp.mcp import serve_stdio

    return serve_stdio(services)


def cmd_privacy(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.cli.output import emit_json, table
    from pieces_lsp.privacy.status import privacy_status

    if ns.audit < 0:
        raise ValidationError("--audit", "must be 0 or more")
    status = privacy_status(services, audit_entries=ns.audit)
    if ns.json:
        emit_json(status)
        return 0
    data, llm = status["data"], status["llm"]
    key = "-"
    if llm["api_key_env"]:
        key = f"${llm['api_key_env']} ({'set' if llm['api_key_set'] else 'NOT set'})"
    rows: list[list[Any]] = [
        ["network", status["network"]],
        ["telemetry, update checks, crash reports", "none, ever"],
        ["LLM provider", llm["provider"]],
        ["LLM url / model", f"{llm['url'] or '-'} / {llm['model'] or '-'}"],
        ["API key from", key],
        ["config file", data["config_file"] + ("" if data["config_file_exists"] else " (none)")],
        ["profile folder", data["profile_dir"]],
        ["profile size", f"{data['bytes'] / 1e6:.2f} MB in {len(data['files'])} files"],
        ["audit log", status["audit"]["path"]],
    ]
    table("Privacy", ["", ""], rows, header=False)
    entries = status["audit"]["entries"]
    if ns.audit:
        if entries:
            table(
                f"Last {len(entries)} outbound requests (bodies are never kept)",
                ["time", "host", "purpose", "bytes", "outcome", "sha256"],
                [
                    [e["time"], e["host"], e["purpose"], e["bytes"], e["outcome"], e["sha256"][:16]]
                    for e in entries
                ],
            )
        else:
            print("No outbound request was ever made from this profile.")
    commands = status["commands"]
    print(f"Export:  {commands['export']}   (or --redact)")
    print(f"Backup:  {commands['backup']}")
    print(f"Erase:   {commands['erase']}")
    for warning in status["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def cmd_ask(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.assist import ask

    ids = [_resolve_id(services, i) for i in ns.ids] or None
    stream = not ns.json and sys.stdout.isatty()

    def on_delta(delta: str) -> None:
        sys.stdout.write(delta)
        sys.stdout.flush()

    answer = ask(
        ns.question,
        library=services.library,
        search=services.search,
        llm=services.llm,
        ids=ids,
        on_delta=on_delta if stream else None,
    )
    if ns.json:
        from pieces_lsp.cli.output import emit_json

        emit_json(answer.to_dict())
        return 0
    if stream:
        print()
    else:
        print(answer.answer)
    sources = [s for s in answer.sources if s.id]
    if sources:
        cited = [f"[{n}] {s.id[:8]} {s.title}" for n, s in enumerate(sources, 1)]
        print("sources: " + "; ".join(cited), file=sys.stderr)
    return 0


def cmd_describe(services: Services, ns: argparse.Namespace) -> int:
    from pieces_lsp.assist import refine_description

    result = refine_description(
        _resolve_id(services, ns.id), library=services.library, llm=services.llm
    )
    if ns.json:
        from pieces_lsp.cli.output import emit_json

        emit_json(result.to_dict())
        return 0
    s = result.snippet
    print(f"{s.title}\n{s.description}\ntags: {', '.join(s.tags)}")
    if not result.refined:
        print(f"unchanged: {result.reason}", file=sys.stderr)
    return 0


COMMANDS: dict[str, Callable[[Services, argparse.Namespace], int]] = {
    "save": cmd_save,
    "analyze": cmd_analyze,
    "scan": cmd_scan,
    "search": cmd_search,
    "list": cmd_list,
    "show": cmd_show,
    "delete": cmd_delete,
    "export": cmd_export,
    "import": cmd_import,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "erase": cmd_erase,
    "stats": cmd_stats,
    "doctor": cmd_doctor,
    "mcp": cmd_mcp,
    "privacy": cmd_privacy,
    "ask": cmd_ask,
    "describe": cmd_describe,
}
