"""Benchmark of the snippet library (LibraryService) at 1k / 10k / 100k snippets.

    python bench/bench_library.py [--sizes 1000,10000,100000] [--quick] [--no-concurrency]

Every library size runs in its own subprocess (`--one N --json`) so that its peak RSS is its own
and one size's cache or DuckDB buffers never flatter the next. A second table measures 4 processes
saving into one profile at once while a 5th reads, which is what several editor windows do.

Everything is generated from a seeded RNG, so two runs on the same machine compare like for like.
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib.util
import json
import math
import os
import platform
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("pieces_lsp") is None:
    sys.path.insert(0, str(_REPO))

import duckdb  # noqa: E402

from pieces_lsp.app import build_services  # noqa: E402
from pieces_lsp.config import resolve_config  # noqa: E402
from pieces_lsp.errors import NotFoundError, PiecesError  # noqa: E402
from pieces_lsp.library import LibraryService  # noqa: E402
from pieces_lsp.model import ListQuery, Snippet, SnippetDraft, Source  # noqa: E402

SEED = 20240611
FILL_CHUNK = 1000
"""Snippets are generated and merged a chunk at a time so that only `merge` is timed and the
generator never holds 100k snippets in memory (which would inflate the peak RSS we report)."""

IDLE_SAVES = 20
IDLE_PAUSE = 0.1
"""Longer than the database's idle lease (20 ms), so each of these saves opens the file."""

CONCURRENT_WRITERS = 4
CONCURRENT_PREFILL = 1000
READER_PAUSE = 0.002
"""The reader sleeps between gets like an editor does between hovers; a busy loop would steal a
core from the writers on small machines and measure the scheduler instead of the library."""


# -- realistic snippet generation -------------------------------------------------------------

VERBS = [
    "fetch", "parse", "load", "save", "build", "render", "retry", "validate", "normalize",
    "merge", "compute", "sync", "resolve", "encode", "decode", "flush", "schedule", "index",
]  # fmt: skip
NOUNS = [
    "user", "config", "cache", "token", "order", "invoice", "request", "payload", "session",
    "record", "event", "metric", "path", "snippet", "batch", "queue", "report", "account",
]  # fmt: skip
TAGS = [
    "utils", "http", "db", "auth", "retry", "parsing", "cli", "async", "testing", "logging",
    "perf", "config", "io", "cache", "json", "errors", "security", "concurrency",
]  # fmt: skip
PROJECTS = ["billing-api", "webapp", "infra-tools", "data-pipeline", "mobile-sync", "notes"]


@dataclass(frozen=True, slots=True)
class Lang:
    """How one language spells a function, so generated code looks like the real thing (the
    enricher's title regex and the text filter then behave as they would on user code)."""

    name: str
    ext: str
    weight: int
    indent: str
    header: Callable[[str, list[str]], list[str]]
    footer: list[str]
    statements: list[str]
    ret: str
    case: str = "snake"
    lits: tuple[str, ...] = ("null", "[]", "0", "''")


def _py_header(name: str, args: list[str]) -> list[str]:
    return [f"def {name}({', '.join(args)}):", f'    """{name.replace("_", " ").capitalize()}."""']


def _js_header(name: str, args: list[str]) -> list[str]:
    return [f"export async function {name}({', '.join(args)}) {{"]


def _ts_header(name: str, args: list[str]) -> list[str]:
    typed = ", ".join(f"{a}: unknown" for a in args)
    return [f"export function {name}({typed}): Promise<Result> {{"]


def _go_header(name: str, args: list[str]) -> list[str]:
    return [f"func {name}({', '.join(f'{a} string' for a in args)}) (Result, error) {{"]


def _rs_header(name: str, args: list[str]) -> list[str]:
    return [f"pub fn {name}({', '.join(f'{a}: &str' for a in args)}) -> Result<Output, Error> {{"]


def _java_header(name: str, args: list[str]) -> list[str]:
    return [f"public Result {name}({', '.join(f'String {a}' for a in args)}) {{"]


def _c_header(name: str, args: list[str]) -> list[str]:
    return [f"int {name}({', '.join(f'const char *{a}' for a in args)}) {{"]


def _rb_header(name: str, args: list[str]) -> list[str]:
    return [f"def {name}({', '.join(args)})"]


def _sh_header(name: str, args: list[str]) -> list[str]:
    return [f"{name}() {{", *(f'  local {a}="${i + 1}"' for i, a in enumerate(args))]


# fmt: off
LANGS = [
    Lang("python", ".py", 26, "    ", _py_header, [], [
        "{v} = {call}({a})",
        "if {v} is None:\n    return {lit}",
        "for item in {v}:\n    {w}.append({call}(item))",
        "logger.debug(\"{call} returned %s\", {v})",
        "{w} = {{k: v for k, v in {v}.items() if v}}",
        "try:\n    {v} = {call}({a}, timeout={n})\nexcept TimeoutError:\n    {v} = {lit}",
        "with open({a}, encoding=\"utf-8\") as fh:\n    {w} = json.load(fh)",
    ], "return {w}", lits=("None", "[]", "{}", "0", "''")),
    Lang("typescript", ".ts", 18, "  ", _ts_header, ["}"], [
        "const {v} = await {call}({a});",
        "if (!{v}) {{\n  return {lit};\n}}",
        "for (const item of {v}) {{\n  {w}.push({call}(item));\n}}",
        "console.debug(`{call}: ${{{v}}}`);",
        "const {w} = Object.fromEntries(Object.entries({v}).filter(([, x]) => x));",
    ], "return {{ ok: true, value: {w} }};", "camel"),
    Lang("javascript", ".js", 14, "  ", _js_header, ["}"], [
        "const {v} = await {call}({a});",
        "if ({v} == null) {{\n  throw new Error('{call} failed');\n}}",
        "{w} = {v}.map((x) => {call}(x)).filter(Boolean);",
        "setTimeout(() => {call}({a}), {n});",
    ], "return {w};", "camel"),
    Lang("go", ".go", 10, "\t", _go_header, ["}"], [
        "{v}, err := {call}({a})",
        "if err != nil {{\n\treturn Result{{}}, fmt.Errorf(\"{call}: %w\", err)\n}}",
        "for _, item := range {v} {{\n\t{w} = append({w}, item)\n}}",
        "log.Printf(\"{call} took %dms\", {n})",
    ], "return Result{{Value: {w}}}, nil", "camel"),
    Lang("rust", ".rs", 8, "    ", _rs_header, ["}"], [
        "let {v} = {call}({a})?;",
        "if {v}.is_empty() {{\n    return Err(Error::Empty);\n}}",
        "for item in {v}.iter() {{\n    {w}.push(item.clone());\n}}",
        "let {w}: Vec<_> = {v}.into_iter().filter(|x| x.len() > {n}).collect();",
    ], "Ok(Output::new({w}))"),
    Lang("java", ".java", 8, "    ", _java_header, ["}"], [
        "var {v} = {call}({a});",
        "if ({v} == null) {{\n    return Result.empty();\n}}",
        "for (var item : {v}) {{\n    {w}.add({call}(item));\n}}",
        "LOG.debug(\"{call} took {{}} ms\", {n});",
    ], "return Result.of({w});", "camel"),
    Lang("c", ".c", 5, "    ", _c_header, ["}"], [
        "int {v} = {call}({a}, {n});",
        "if ({v} < 0) {{\n    return -1;\n}}",
        "for (int i = 0; i < {n}; i++) {{\n    {w}[i] = {call}({a}[i]);\n}}",
        "memset({w}, 0, sizeof({w}));",
    ], "return {v};"),
    Lang("ruby", ".rb", 5, "  ", _rb_header, ["end"], [
        "{v} = {call}({a})",
        "return {lit} if {v}.nil?",
        "{w} = {v}.map {{ |x| {call}(x) }}.compact",
        "Rails.logger.info(\"{call} #{{{v}.size}}\")",
    ], "{w}", lits=("nil", "[]", "{}", "0")),
    Lang("shellscript", ".sh", 4, "  ", _sh_header, ["}"], [
        "{v}=$({call} \"${a}\")",
        "if [ -z \"${v}\" ]; then\n  echo \"{call} failed\" >&2\n  return 1\nfi",
        "for f in \"${w}\"/*; do\n  {call} \"$f\"\ndone",
        "curl -fsS --retry {n} \"$BASE_URL/{v}\" -o \"/tmp/{w}.json\"",
    ], "echo \"${w}\""),
]
# fmt: on
SQL_WEIGHT = 2


def _name(verb: str, noun: str, case: str) -> str:
    return f"{verb}{noun.capitalize()}" if case == "camel" else f"{verb}_{noun}"


def _fill(rng: random.Random, lang: Lang, template: str) -> list[str]:
    text = template.format(
        v=rng.choice(NOUNS) + ("s" if rng.random() < 0.3 else ""),
        w=rng.choice(["result", "out", "acc", "items", "rows", "seen"]),
        a=rng.choice(["path", "data", "opts", "key", "src", "ctx"]),
        call=_name(rng.choice(VERBS), rng.choice(NOUNS), lang.case),
        n=rng.randint(1, 5000),
        lit=rng.choice(lang.lits),
    )
    return [lang.indent + line for line in text.split("\n")]


def _code(rng: random.Random, lang: Lang, name: str, lines: int) -> str:
    """Header, random statements that fit, the closing return and footer: `lines` in all
    (at least the header, return and footer)."""
    args = rng.sample(["path", "data", "opts", "key", "src", "ctx", "limit"], rng.randint(0, 3))
    out = lang.header(name, args)
    tail = len(lang.footer) + 1
    while len(out) + tail < lines:
        room = lines - len(out) - tail
        fitting = [t for t in lang.statements if t.count("\n") < room]
        out.extend(_fill(rng, lang, rng.choice(fitting)))
    out.extend(_fill(rng, lang, lang.ret))
    out.extend(lang.footer)
    return "\n".join(out) + "\n"


def _sql(rng: random.Random, serial: int, lines: int) -> str:
    """SQL is not a function body: a query with joins and conditions, as people keep them."""
    table = rng.choice(NOUNS) + "s"
    out = [f"-- {rng.choice(VERBS)} {table} report #{serial}", "SELECT"]
    cols = [f"    t.{rng.choice(NOUNS)}_id" for _ in range(max(1, (lines - 4) // 3))]
    out.append(",\n".join(cols))
    out.append(f"FROM {table} AS t")
    while len("\n".join(out).split("\n")) < lines - 1:
        other = rng.choice(NOUNS) + "s"
        out.append(f"JOIN {other} ON {other}.id = t.{other[:-1]}_id")
        out.append(f"  AND {other}.created_at > now() - INTERVAL '{rng.randint(1, 90)} days'")
    out.append(f"ORDER BY t.updated_at DESC LIMIT {rng.randint(10, 500)};")
    return "\n".join(out) + "\n"


def make_snippet_fields(rng: random.Random, serial: int) -> dict[str, Any]:
    """Fields of one plausible snippet; `serial` is baked into the code so every content hash
    is distinct and `merge` imports everything instead of skipping duplicates."""
    lines = rng.randint(5, 60)
    weights = [lg.weight for lg in LANGS] + [SQL_WEIGHT]
    pick = rng.choices([*LANGS, None], weights=weights)[0]
    if pick is None:
        language, ext, content = "sql", ".sql", _sql(rng, serial, lines)
        stem = rng.choice(NOUNS)
    else:
        verb, stem = rng.choice(VERBS), rng.choice(NOUNS)
        name = _name(verb, f"{stem}_{serial:x}", pick.case)
        if pick.case == "camel":
            name = name.replace("_", "")
        language, ext, content = pick.name, pick.ext, _code(rng, pick, name, lines)
        stem = f"{verb} {stem}"
    tags = rng.sample(TAGS, rng.randint(1, 3))
    project = rng.choice(PROJECTS)
    return {
        "language": language,
        "content": content,
        "title": stem.capitalize(),
        "tags": tags,
        "project": project,
        "uri": f"file:///home/dev/{project}/src/{rng.choice(NOUNS)}{ext}",
    }


_EPOCH = datetime(2023, 1, 1, tzinfo=timezone.utc)


def make_snippet(rng: random.Random, serial: int) -> Snippet:
    """A full Snippet as an export/backup would carry it (ids and timestamps included)."""
    f = make_snippet_fields(rng, serial)
    created = _EPOCH + timedelta(seconds=rng.randint(0, 2 * 365 * 86400))
    updated = created + timedelta(seconds=rng.randint(0, 30 * 86400))
    return Snippet.from_dict(
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "title": f["title"],
            "description": f"{f['title']} helper from {f['project']}",
            "content": f["content"],
            "language": f["language"],
            "tags": f["tags"],
            "created_at": created.isoformat(),
            "updated_at": updated.isoformat(),
            "source": {"uri": f["uri"]},
        }
    )


def make_draft(rng: random.Random, serial: int) -> SnippetDraft:
    """What an editor sends on save: content, tags, the file; half the time no language, so the
    enricher has to derive it from the file name."""
    f = make_snippet_fields(rng, serial)
    return SnippetDraft(
        content=f["content"],
        language=f["language"] if rng.random() < 0.5 else None,
        tags=f["tags"],
        source=Source(uri=f["uri"]),
    )


def snippet_chunks(seed: int, total: int, base: int = 0) -> Iterator[list[Snippet]]:
    rng = random.Random(seed)
    for start in range(0, total, FILL_CHUNK):
        yield [make_snippet(rng, base + i) for i in range(start, min(total, start + FILL_CHUNK))]


# -- measurement helpers ----------------------------------------------------------------------


def pct(samples: list[float], p: float) -> float:
    """Nearest-rank percentile: with few samples it reports a value that really occurred."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def repeat(fn: Callable[[], object], reps: int, budget: float) -> list[float]:
    """Run up to `reps` times but stop after `budget` seconds (at least 5 runs): a 100k-row
    scan should not make the benchmark take an hour to tell us it is slow."""
    out: list[float] = []
    deadline = time.perf_counter() + budget
    while len(out) < reps and (len(out) < 5 or time.perf_counter() < deadline):
        out.append(timed(fn))
    return out


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def open_library(home: Path) -> LibraryService:
    return build_services(resolve_config({"home": str(home)})).library


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- one library size -------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    fill_rate: float = 0.0
    fill_seconds: float = 0.0
    save_rate: float = 0.0
    save_p50: float = 0.0
    save_p95: float = 0.0
    idle_save_p50: float = 0.0
    idle_save_p95: float = 0.0
    get_p50: float = 0.0
    get_p95: float = 0.0
    cold_get: float = 0.0
    list_p50: float = 0.0
    list_p95: float = 0.0
    list_lang_p50: float = 0.0
    list_lang_p95: float = 0.0
    list_text_p50: float = 0.0
    list_text_p95: float = 0.0
    delete: list[float] = field(default_factory=list)
    db_mb: float = 0.0
    db_mb_purged: float = 0.0
    peak_rss_mb: float = 0.0
    problems: list[str] = field(default_factory=list)


def fill(home: Path, size: int, res: SizeResult) -> list[str]:
    """Bulk fill through `merge` with a service whose read cache is never loaded, so the cold
    read measured next really is cold. Returns the imported ids."""
    filler = open_library(home)
    ids: list[str] = []
    spent = 0.0
    for chunk in snippet_chunks(SEED + size, size):
        t0 = time.perf_counter()
        merged = filler.merge(chunk)
        spent += time.perf_counter() - t0
        ids.extend(merged.ids)
        if merged.skipped:
            res.problems.append(f"merge skipped {merged.skipped} generated snippets")
    filler.db.close()
    res.fill_seconds = spent
    res.fill_rate = size / spent
    if len(ids) != size:
        res.problems.append(f"merge imported {len(ids)} of {size}")
    return ids


def _time_saves(
    lib: LibraryService, drafts: list[SnippetDraft], pause: float
) -> tuple[list[float], int]:
    """Latency of each save and how many created a snippet; `pause` (untimed) before each."""
    lat: list[float] = []
    created = 0
    for d in drafts:
        if pause:
            time.sleep(pause)
        t0 = time.perf_counter()
        out = lib.save(d)
        lat.append(time.perf_counter() - t0)
        created += out.created
    return lat, created


def bench_saves(lib: LibraryService, size: int, n: int, res: SizeResult) -> int:
    """Back-to-back saves (a script, an import loop) and saves after an idle pause, which is
    what an editor does: the database keeps its connection only while operations follow each
    other, so an isolated save also pays for opening the file."""
    rng = random.Random(SEED + size + 1)
    drafts = [make_draft(rng, 10_000_000 + i) for i in range(n + IDLE_SAVES)]
    lat, created = _time_saves(lib, drafts[:n], 0.0)
    idle, idle_created = _time_saves(lib, drafts[n:], IDLE_PAUSE)
    created += idle_created
    if created != len(drafts):
        res.problems.append(f"save created {created} of {len(drafts)} new snippets")
    res.save_rate = n / sum(lat)
    res.save_p50, res.save_p95 = pct(lat, 50), pct(lat, 95)
    res.idle_save_p50, res.idle_save_p95 = pct(idle, 50), pct(idle, 95)
    return created


def bench_gets(lib: LibraryService, ids: list[str], n: int, res: SizeResult) -> None:
    rng = random.Random(SEED)
    picks = [rng.choice(ids) for _ in range(n)]
    lat = []
    for sid in picks:
        t0 = time.perf_counter()
        lib.get(sid)
        lat.append(time.perf_counter() - t0)
    res.get_p50, res.get_p95 = pct(lat, 50), pct(lat, 95)


def bench_lists(lib: LibraryService, quick: bool, res: SizeResult) -> None:
    reps, budget = (20, 2.0) if quick else (50, 8.0)
    queries = {
        "list": ListQuery(limit=50),
        "list_lang": ListQuery(limit=50, language="python"),
        "list_text": ListQuery(limit=50, text="retry"),
    }
    for key, q in queries.items():
        page = lib.list(q)
        if not page.items:
            res.problems.append(f"{key} returned no items")
        lat = repeat(lambda q=q: lib.list(q), reps, budget)
        setattr(res, f"{key}_p50", pct(lat, 50))
        setattr(res, f"{key}_p95", pct(lat, 95))


def bench_deletes(lib: LibraryService, victims: list[str], res: SizeResult) -> None:
    for sid in victims:
        res.delete.append(timed(lambda sid=sid: lib.delete(sid, purge=True)))
        try:
            lib.get(sid)
            res.problems.append(f"deleted snippet {sid} is still readable")
        except NotFoundError:
            pass


def run_one(size: int, quick: bool) -> SizeResult:
    res = SizeResult(size)
    home = Path(tempfile.mkdtemp(prefix="pieces-bench-", dir="/tmp"))
    try:
        log(f"[{size}] filling ...")
        ids = fill(home, size, res)
        lib = open_library(home)
        res.cold_get = timed(lambda: lib.get(ids[0]))
        log(f"[{size}] filled in {res.fill_seconds:.1f}s; cold get {res.cold_get * 1e3:.0f} ms")
        bench_gets(lib, ids, 2000 if quick else 20_000, res)
        n_saves = 100
        created = bench_saves(lib, size, n_saves, res)
        log(f"[{size}] saves done; listing ...")
        bench_lists(lib, quick, res)
        res.db_mb = lib.db.size_bytes() / 1e6
        log(f"[{size}] deleting ...")
        bench_deletes(lib, ids[-3:], res)
        res.db_mb_purged = lib.db.size_bytes() / 1e6
        expected = size + created - len(res.delete)
        fresh_count = open_library(home).count()
        if lib.count() != expected or fresh_count != expected:
            res.problems.append(
                f"count {lib.count()} (fresh service {fresh_count}), expected {expected}"
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    res.peak_rss_mb = peak_rss_mb()
    return res


def run_size_subprocess(size: int, quick: bool) -> SizeResult:
    """Each size in a fresh interpreter: its peak RSS then measures that size alone."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(size), "--json"]
    if quick:
        cmd.append("--quick")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    if proc.returncode != 0 or not lines:
        return SizeResult(size, problems=[f"subprocess exited with {proc.returncode}"])
    data = json.loads(lines[-1])
    return SizeResult(**data)


# -- concurrency ------------------------------------------------------------------------------


@dataclass
class ConcurrencyResult:
    writers: int
    per_writer: int
    wall: float = 0.0
    saves: int = 0
    save_p50: float = 0.0
    save_p95: float = 0.0
    final_new: int = 0
    errors: list[str] = field(default_factory=list)
    gets: int = 0
    get_p50: float = 0.0
    get_p95: float = 0.0
    get_max: float = 0.0
    get_errors: int = 0
    problems: list[str] = field(default_factory=list)


def _wait_for_go(lib: LibraryService) -> None:
    """Load the cache before the race starts (a window is open before the user saves), then
    tell the parent we are ready and block until every process is."""
    lib.count()
    print("ready", flush=True)
    sys.stdin.readline()


def writer_main(home: Path, index: int, count: int) -> None:
    faulthandler.enable()  # a crash in DuckDB or at exit shows every thread's stack
    lib = open_library(home)
    rng = random.Random(SEED + 100 + index)
    drafts = [make_draft(rng, 20_000_000 + index * 1_000_000 + i) for i in range(count)]
    _wait_for_go(lib)
    lat: list[float] = []
    errors: list[str] = []
    start = time.time()
    for d in drafts:
        t0 = time.perf_counter()
        try:
            lib.save(d)
        except PiecesError as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        lat.append(time.perf_counter() - t0)
    end = time.time()
    print(json.dumps({"start": start, "end": end, "lat": lat, "errors": errors}), flush=True)


def reader_main(home: Path, ids_file: Path, stop_file: Path) -> None:
    faulthandler.enable()
    lib = open_library(home)
    ids = json.loads(ids_file.read_text())
    rng = random.Random(SEED + 99)
    _wait_for_go(lib)
    lat: list[float] = []
    errors = 0
    while not stop_file.exists():
        sid = rng.choice(ids)
        t0 = time.perf_counter()
        try:
            lib.get(sid)
        except PiecesError:
            errors += 1
        lat.append(time.perf_counter() - t0)
        time.sleep(READER_PAUSE)
    print(json.dumps({"lat": lat, "errors": errors}), flush=True)


def _spawn(args: list[str]) -> subprocess.Popen[str]:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _last_json(proc: subprocess.Popen[str], name: str, problems: list[str]) -> dict[str, Any]:
    """The worker's report; a worker that dies after reporting (e.g. aborts at exit) still
    counts, and the death is listed as a problem instead of hiding the measurements."""
    out, _ = proc.communicate(timeout=3600)
    lines = [ln for ln in out.splitlines() if ln.strip().startswith("{")]
    if not lines:
        raise RuntimeError(f"{name} exited with {proc.returncode} without a report")
    if proc.returncode != 0:
        problems.append(f"{name} exited with {_exit_name(proc.returncode)} after reporting")
    return json.loads(lines[-1])


def _exit_name(code: int) -> str:
    if code < 0:
        with suppress(ValueError):
            return f"{code} ({signal.Signals(-code).name})"
    return str(code)


def _start_together(procs: list[subprocess.Popen[str]]) -> None:
    """Release every worker at once, after each has loaded its cache."""
    for p in procs:
        assert p.stdout is not None
        if p.stdout.readline().strip() != "ready":
            raise RuntimeError("a worker failed to start")
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()


def _summarise(res: ConcurrencyResult, writes: list[dict[str, Any]], read: dict[str, Any]) -> None:
    lat = [x for r in writes for x in r["lat"]]
    res.wall = max(r["end"] for r in writes) - min(r["start"] for r in writes)
    res.errors = [e for r in writes for e in r["errors"]]
    res.saves = len(lat) - len(res.errors)
    res.save_p50, res.save_p95 = pct(lat, 50), pct(lat, 95)
    res.gets, res.get_errors = len(read["lat"]), read["errors"]
    res.get_p50, res.get_p95 = pct(read["lat"], 50), pct(read["lat"], 95)
    res.get_max = max(read["lat"], default=float("nan"))


def run_concurrency(per_writer: int) -> ConcurrencyResult:
    """Several editor windows saving into one profile while another one hovers: every save
    must land (4K new snippets, no errors) and reads must stay fast."""
    res = ConcurrencyResult(CONCURRENT_WRITERS, per_writer)
    home = Path(tempfile.mkdtemp(prefix="pieces-bench-conc-", dir="/tmp"))
    procs: list[subprocess.Popen[str]] = []
    try:
        ids: list[str] = []
        prefill = open_library(home)
        for chunk in snippet_chunks(SEED + 7, CONCURRENT_PREFILL):
            ids.extend(prefill.merge(chunk).ids)
        prefill.db.close()
        ids_file, stop_file = home / "ids.json", home / "stop"
        ids_file.write_text(json.dumps(ids))
        writers = [
            _spawn(["--writer", str(i), "--home", str(home), "--count", str(per_writer)])
            for i in range(CONCURRENT_WRITERS)
        ]
        procs.extend(writers)
        reader = _spawn(
            ["--reader", "--home", str(home), "--ids-file", str(ids_file),
             "--stop-file", str(stop_file)]
        )  # fmt: skip
        procs.append(reader)
        _start_together(procs)
        log(f"[concurrency] {CONCURRENT_WRITERS} writers x {per_writer} saves ...")
        writes = [_last_json(w, f"writer {i}", res.problems) for i, w in enumerate(writers)]
        stop_file.touch()
        _summarise(res, writes, _last_json(reader, "reader", res.problems))
        res.final_new = open_library(home).count() - len(ids)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(home, ignore_errors=True)
    return res


# -- output -----------------------------------------------------------------------------------


def _unit(sec: float) -> tuple[float, str]:
    if sec < 1e-3:
        return 1e6, "µs"
    if sec < 1:
        return 1e3, "ms"
    return 1, "s"


def dur(*secs: float) -> str:
    """Durations sharing one unit chosen by the largest, e.g. '85 / 140 µs'."""
    if any(math.isnan(s) for s in secs):
        return "n/a"
    scale, unit = _unit(max(secs))
    nums = [f"{s * scale:.0f}" if s * scale >= 10 else f"{s * scale:.2g}" for s in secs]
    return f"{' / '.join(nums)} {unit}"


def rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = "| " + " | ".join(f"{{:{w}}}" for w in widths) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt.format(*headers), sep, *(fmt.format(*r) for r in rows)])


def size_table(results: list[SizeResult]) -> str:
    headers = [
        "size", "fill/s", "save/s", "save p50/p95", "idle save p50/p95", "get p50/p95 (warm)",
        "cold get", "list p50/p95", "list lang p50/p95", "list text p50/p95",
        "delete+purge p50/max", "db MB (purged)", "peak RSS MB",
    ]  # fmt: skip
    rows = []
    for r in results:
        dele = dur(pct(r.delete, 50), max(r.delete)) if r.delete else "n/a"
        rows.append([
            f"{r.size:,}", rate(r.fill_rate), rate(r.save_rate), dur(r.save_p50, r.save_p95),
            dur(r.idle_save_p50, r.idle_save_p95),
            dur(r.get_p50, r.get_p95), dur(r.cold_get), dur(r.list_p50, r.list_p95),
            dur(r.list_lang_p50, r.list_lang_p95), dur(r.list_text_p50, r.list_text_p95),
            dele, f"{r.db_mb:.1f} ({r.db_mb_purged:.1f})", f"{r.peak_rss_mb:.0f}",
        ])  # fmt: skip
    return table(headers, rows)


def concurrency_table(r: ConcurrencyResult) -> str:
    expected = r.writers * r.per_writer
    headers = [
        "writers x saves", "wall", "saves/s", "save p50/p95", "final count", "errors",
        "reader get p50/p95/max", "gets (errors)",
    ]  # fmt: skip
    row = [
        f"{r.writers} x {r.per_writer}", dur(r.wall), rate(r.saves / r.wall if r.wall else 0),
        dur(r.save_p50, r.save_p95), f"{r.final_new}/{expected}", str(len(r.errors)),
        dur(r.get_p50, r.get_p95, r.get_max), f"{r.gets} ({r.get_errors})",
    ]  # fmt: skip
    return table(headers, [row])


def cpu_model() -> str:
    """The CPU name, which platform.processor() leaves empty on Linux."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """Other work on the machine skews every number here; print it so a run can be judged."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


def machine() -> str:
    return (
        f"machine: {os.cpu_count()} cores ({cpu_model()}), "
        f"{platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, duckdb {duckdb.__version__}"
    )


# -- entry point ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", help="comma-separated library sizes (default 1000,10000,100000)")
    p.add_argument("--quick", action="store_true", help="sizes 1k,10k; fewer repetitions; K=100")
    p.add_argument("--no-concurrency", action="store_true", help="skip the multi-process table")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--writer", type=int, help=argparse.SUPPRESS)
    p.add_argument("--reader", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--count", type=int, help=argparse.SUPPRESS)
    p.add_argument("--ids-file", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--stop-file", type=Path, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.writer is not None:
        writer_main(args.home, args.writer, args.count)
        return 0
    if args.reader:
        reader_main(args.home, args.ids_file, args.stop_file)
        return 0
    if args.one is not None:
        res = run_one(args.one, args.quick)
        print(json.dumps(asdict(res)) if args.json else size_table([res]), flush=True)
        return 0
    default = "1000,10000" if args.quick else "1000,10000,100000"
    sizes = [int(s) for s in (args.sizes or default).split(",") if s.strip()]
    load_before = load_average()
    results = [run_size_subprocess(n, args.quick) for n in sizes]
    print(machine())
    print(f"load average (1 min) before: {load_before}, after the size runs: {load_average()}")
    print()
    print(size_table(results))
    for r in results:
        for problem in r.problems:
            print(f"  ! {r.size:,}: {problem}")
    if not args.no_concurrency:
        conc = run_concurrency(100 if args.quick else 500)
        print()
        print(f"concurrency (load average after: {load_average()})")
        print(concurrency_table(conc))
        for e in sorted(set(conc.errors)):
            print(f"  ! concurrency: {conc.errors.count(e)} x {e}")
        for problem in conc.problems:
            print(f"  ! concurrency: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
