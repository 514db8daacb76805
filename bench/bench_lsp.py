"""Benchmark of the language server over real stdio, as an editor drives it.

    python bench/bench_lsp.py [--sizes 1000,10000] [--quick] [--spawns 10]

What an editor user feels: how long a fresh server takes to answer `initialize` and its first
`pieces.library.stats` (cold start, several spawns), `textDocument/completion` in an open Python
document while typing, `completionItem/resolve`, `pieces.search` per mode, and the server's
memory (VmRSS / VmHWM from /proc) once the library is loaded and indexed.

Every library size runs in its own subprocess (`--one N --json`), which fills a library in a temp
home straight through the Python API (`LibraryService.merge`, with bench_library's seeded
generators), closes it, and only then starts servers on it with the `home` initialization
option. The client is a small JSON-RPC framing client over the server's pipes that sends VS
Code's recorded capabilities (snippetSupport true) and answers the server's own requests
(`workspace/configuration` and the like) the way VS Code does. A latency is the time from
writing the request to reading the whole response frame, so it includes JSON encoding on both
sides, which an editor pays too.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

_BENCH = Path(__file__).resolve().parent
_REPO = _BENCH.parent
if importlib.util.find_spec("pieces_lsp") is None:
    sys.path.insert(0, str(_REPO))
if str(_BENCH) not in sys.path:
    sys.path.insert(0, str(_BENCH))

from bench_library import (  # noqa: E402
    NOUNS,
    SEED,
    TAGS,
    VERBS,
    dur,
    load_average,
    log,
    machine,
    make_snippet_fields,
    pct,
    snippet_chunks,
    table,
)

from pieces_lsp.app import build_services  # noqa: E402
from pieces_lsp.config import resolve_config  # noqa: E402

REQUEST_TIMEOUT = 120.0
EXIT_TIMEOUT = 10.0
SEARCH_MODES = ("hybrid", "fulltext", "fuzzy")
STDERR_PROBLEM = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b|Exception")


# -- client capabilities ----------------------------------------------------------------------

_FALLBACK_CAPS: dict[str, Any] = {
    "workspace": {
        "applyEdit": True,
        "configuration": True,
        "workspaceFolders": True,
        "didChangeConfiguration": {"dynamicRegistration": True},
        "executeCommand": {"dynamicRegistration": True},
        "symbol": {"dynamicRegistration": True},
    },
    "textDocument": {
        "synchronization": {"dynamicRegistration": True, "didSave": True},
        "completion": {
            "dynamicRegistration": True,
            "contextSupport": True,
            "completionItem": {
                "snippetSupport": True,
                "insertReplaceSupport": True,
                "documentationFormat": ["markdown", "plaintext"],
                "resolveSupport": {"properties": ["documentation", "detail"]},
            },
        },
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "codeAction": {"dynamicRegistration": True, "isPreferredSupport": True},
        "publishDiagnostics": {"relatedInformation": True},
    },
    "window": {"workDoneProgress": True, "showDocument": {"support": True}},
}


def vscode_capabilities() -> dict[str, Any]:
    """VS Code's capabilities as pytest-lsp recorded them (a test extra), else a hand-written
    subset with the parts this server looks at."""
    try:
        from lsprotocol.converters import get_converter
        from pytest_lsp import client_capabilities
    except ImportError:
        return _FALLBACK_CAPS
    caps = get_converter().unstructure(client_capabilities("visual-studio-code"))
    return json.loads(json.dumps(caps))  # enums to plain strings


# -- a minimal JSON-RPC client over the server's stdio ----------------------------------------


class RpcError(Exception):
    def __init__(self, method: str, error: dict[str, Any]) -> None:
        super().__init__(f"{method}: {error.get('code')} {error.get('message')}")
        self.code = error.get("code")


@dataclass
class Reply:
    result: Any
    seconds: float
    nbytes: int
    received_at: float


class LspServer:
    """One `python -m pieces_lsp` process. A reader thread timestamps each frame as soon as it
    is read, answers the server's requests and keeps notifications that matter."""

    def __init__(self, cwd: Path, stderr: IO[bytes]) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIECES_LSP_")}
        self.spawned_at = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pieces_lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=str(cwd),
        )
        self.pid = self.proc.pid
        self.messages: list[str] = []
        self.diagnostics = 0
        self._ids = itertools.count(1)
        self._write_lock = threading.Lock()
        self._cond = threading.Condition()
        self._replies: dict[int, tuple[float, int, dict[str, Any]]] = {}
        self._eof = False
        self._reader = threading.Thread(target=self._read_loop, name="lsp-reader", daemon=True)
        self._reader.start()

    # framing

    def _send(self, msg: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **msg}, separators=(",", ":")).encode()
        stdin = self.proc.stdin
        assert stdin is not None
        with self._write_lock:
            stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            stdin.flush()

    def _read_frame(self, out: IO[bytes]) -> bytes | None:
        length = None
        while True:
            line = out.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            return None
        return out.read(length)

    def _read_loop(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while (body := self._read_frame(out)) is not None:
                received = time.perf_counter()
                msg = json.loads(body)
                if "method" not in msg:
                    with self._cond:
                        self._replies[msg["id"]] = (received, len(body), msg)
                        self._cond.notify_all()
                elif "id" in msg:
                    self._answer(msg)
                else:
                    self._notice(msg)
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    def _answer(self, msg: dict[str, Any]) -> None:
        """What VS Code answers: an empty `pieces` section, success for the rest."""
        params = msg.get("params") or {}
        result: Any = None
        if msg["method"] == "workspace/configuration":
            result = [{} for _ in params.get("items", [])]
        elif msg["method"] == "workspace/applyEdit":
            result = {"applied": True}
        elif msg["method"] == "window/showDocument":
            result = {"success": True}
        with suppress(OSError):
            self._send({"id": msg["id"], "result": result})

    def _notice(self, msg: dict[str, Any]) -> None:
        method, params = msg["method"], msg.get("params") or {}
        if method == "textDocument/publishDiagnostics":
            self.diagnostics += 1
        elif method in ("window/showMessage", "window/logMessage") and params.get("type") in (1, 2):
            self.messages.append(f"{method} {params.get('message')}")

    # requests

    def request(self, method: str, params: Any, timeout: float = REQUEST_TIMEOUT) -> Reply:
        rid = next(self._ids)
        t0 = time.perf_counter()
        self._send({"id": rid, "method": method, "params": params})
        with self._cond:
            self._cond.wait_for(lambda: rid in self._replies or self._eof, timeout)
            got = self._replies.pop(rid, None)
        if got is None:
            why = "the server closed its stdout" if self._eof else f"no answer in {timeout:.0f}s"
            raise RuntimeError(f"{method}: {why}")
        received, nbytes, msg = got
        if "error" in msg:
            raise RpcError(method, msg["error"])
        return Reply(msg.get("result"), received - t0, nbytes, received)

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def command(self, name: str, arg: dict[str, Any]) -> Reply:
        return self.request("workspace/executeCommand", {"command": name, "arguments": [arg]})

    # lifecycle

    def initialize(self, home: Path, workspace: Path, caps: dict[str, Any]) -> Reply:
        reply = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "Visual Studio Code", "version": "1.90.0"},
                "locale": "en",
                "rootUri": workspace.as_uri(),
                "workspaceFolders": [{"uri": workspace.as_uri(), "name": workspace.name}],
                "capabilities": caps,
                "initializationOptions": {"home": str(home)},
            },
        )
        self.notify("initialized", {})
        return reply

    def rss_kb(self) -> dict[str, int]:
        """VmRSS and VmHWM of the server process in kB (Linux only; empty elsewhere)."""
        out: dict[str, int] = {}
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0])
        except (OSError, ValueError):
            pass
        return out

    def close(self, problems: list[str]) -> float:
        """shutdown + exit, then wait; kill if it lingers. Returns seconds until it was gone."""
        t0 = time.perf_counter()
        try:
            self.request("shutdown", None, timeout=EXIT_TIMEOUT)
            self.notify("exit", None)
        except (RuntimeError, RpcError, OSError) as exc:
            problems.append(f"shutdown failed: {exc}")
        try:
            code = self.proc.wait(timeout=EXIT_TIMEOUT)
            if code != 0:
                problems.append(f"server exited with {code}")
        except subprocess.TimeoutExpired:
            problems.append(f"server still running {EXIT_TIMEOUT:.0f}s after exit; killed")
        self.kill()
        return time.perf_counter() - t0

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with suppress(OSError):
                    stream.close()
        self._reader.join(timeout=2)


# -- workload ---------------------------------------------------------------------------------

PREAMBLE = "import json\nimport logging\nimport time\n\nlogger = logging.getLogger(__name__)\n\n\n"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{3,}")


def _python_function(rng: random.Random, serial: int) -> str:
    while True:
        f = make_snippet_fields(rng, serial)
        if f["language"] == "python":
            return f["content"]


def completion_contexts(seed: int, n: int) -> list[tuple[str, int, int]]:
    """(document text, line, character) with the cursor 2-5 characters into a word, as after a
    few keystrokes. Half are cut from generated Python functions (a word somewhere in the body,
    with the lines above it), half are fresh lines typed under the imports."""
    rng = random.Random(seed)
    out: list[tuple[str, int, int]] = []
    serial = 50_000_000
    while len(out) < n:
        serial += 1
        if rng.random() < 0.5:
            lines = _python_function(rng, serial).splitlines()
            row = rng.randrange(1, len(lines))
            words = list(_IDENT.finditer(lines[row]))
            if not words:
                continue
            w = rng.choice(words)
            cut = w.start() + rng.randint(2, min(5, len(w.group())))
            typed = [*lines[:row], lines[row][:cut]]
        else:
            verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
            word = rng.choice([verb, f"{verb}_{noun}", noun])
            lead = rng.choice(["", "def ", "    ", "    result = ", "    for item in "])
            typed = [lead + word[: rng.randint(2, min(5, len(word)))]]
        text = PREAMBLE + "\n".join(typed)
        all_lines = text.split("\n")
        out.append((text, len(all_lines) - 1, len(all_lines[-1])))
    return out


_PHRASES = [
    "retry with backoff", "read json file", "http request timeout", "sql join report",
    "parse config file", "validate auth token", "log errors", "cache invalidation",
    "async fetch", "flush queue batch", "open file utf-8", "filter empty values",
    "map and compact", "curl retry", "order by updated_at", "schedule metric report",
]  # fmt: skip


def _misspell(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def search_queries(seed: int, n: int) -> list[dict[str, Any]]:
    """Varied queries as people type them: phrases, verb + noun, identifiers in both cases, a
    misspelt word; about one in five filtered by language or tag."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        kind = i % 5
        if kind == 0:
            q = rng.choice(_PHRASES)
        elif kind == 1:
            q = f"{verb} {noun}"
        elif kind == 2:
            q = rng.choice([f"{verb}_{noun}", f"{verb}{noun.capitalize()}"])
        elif kind == 3:
            q = f"{_misspell(rng, verb)} {noun}"
        else:
            q = f"{verb} {noun} {rng.choice(['retry', 'timeout', 'json', 'cache', 'error'])}"
        query: dict[str, Any] = {"query": q, "limit": 20}
        if rng.random() < 0.2:
            if rng.random() < 0.5:
                query["language"] = rng.choice(["python", "go", "typescript", "sql"])
            else:
                query["tags"] = [rng.choice(TAGS)]
        out.append(query)
    return out


# -- one library size -------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    fill_seconds: float = 0.0
    db_mb: float = 0.0
    init: list[float] = field(default_factory=list)
    first_stats: list[float] = field(default_factory=list)
    exit: list[float] = field(default_factory=list)
    first_completion: float = float("nan")
    completion: list[float] = field(default_factory=list)
    completion_items: list[int] = field(default_factory=list)
    completion_bytes: list[int] = field(default_factory=list)
    resolve: list[float] = field(default_factory=list)
    search: dict[str, list[float]] = field(default_factory=dict)
    search_filtered: list[float] = field(default_factory=list)
    search_empty: int = 0
    search_count: int = 0
    rss: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def fill(home: Path, size: int, res: SizeResult) -> None:
    lib = build_services(resolve_config({"home": str(home)}, env={})).library
    t0 = time.perf_counter()
    imported = 0
    for chunk in snippet_chunks(SEED + size, size):
        imported += len(lib.merge(chunk).ids)
    res.fill_seconds = time.perf_counter() - t0
    res.db_mb = lib.db.size_bytes() / 1e6
    lib.db.close()
    if imported != size:
        res.problems.append(f"merge imported {imported} of {size}")


def _stats(server: LspServer, res: SizeResult) -> Reply:
    reply = server.command("pieces.library.stats", {})
    if reply.result.get("snippets") != res.size:
        res.problems.append(f"stats reports {reply.result.get('snippets')} snippets")
    return reply


def cold_starts(home: Path, work: Path, spawns: int, caps: dict[str, Any], res: SizeResult) -> None:
    """Spawn -> initialize answer, and spawn -> first stats answer (the library cache loaded)."""
    with (work / "server-cold.log").open("ab") as err:
        for _ in range(spawns):
            server = LspServer(work, err)
            try:
                init = server.initialize(home, work / "workspace", caps)
                res.init.append(init.received_at - server.spawned_at)
                stats = _stats(server, res)
                res.first_stats.append(stats.received_at - server.spawned_at)
                res.exit.append(server.close(res.problems))
                res.problems.extend(server.messages)
            finally:
                server.kill()


def _change(server: LspServer, uri: str, version: int, text: str) -> None:
    server.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    )


def complete_at(
    server: LspServer, uri: str, version: int, ctx: tuple[str, int, int]
) -> tuple[Reply, list[dict[str, Any]]]:
    """Type into the open document (a whole-text didChange, which the server must handle before
    the request that follows it), then ask for completion at the cursor."""
    text, line, char = ctx
    _change(server, uri, version, text)
    reply = server.request(
        "textDocument/completion",
        {
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": char},
            "context": {"triggerKind": 1},
        },
    )
    result = reply.result
    items = result.get("items", []) if isinstance(result, dict) else (result or [])
    return reply, items


def bench_completion(
    server: LspServer, uri: str, contexts: list[tuple[str, int, int]], res: SizeResult
) -> None:
    """Completion in every context, and resolve of the first item offered (the documentation
    an editor fetches for the highlighted item)."""
    for version, ctx in enumerate(contexts, start=3):
        reply, items = complete_at(server, uri, version, ctx)
        res.completion.append(reply.seconds)
        res.completion_items.append(len(items))
        res.completion_bytes.append(reply.nbytes)
        if items:
            res.resolve.append(server.request("completionItem/resolve", items[0]).seconds)


def bench_search(server: LspServer, queries: list[dict[str, Any]], res: SizeResult) -> None:
    for mode in SEARCH_MODES:
        lat: list[float] = []
        for q in queries:
            reply = server.command("pieces.search", {**q, "mode": mode})
            res.search_count += 1
            if not reply.result.get("results"):
                res.search_empty += 1
            if mode == "hybrid" and ("language" in q or "tags" in q):
                res.search_filtered.append(reply.seconds)
            else:
                lat.append(reply.seconds)
        res.search[mode] = lat


def warm_session(
    home: Path, work: Path, caps: dict[str, Any], quick: bool, res: SizeResult
) -> None:
    """One server as a working session: start, wait for the cache (first stats), open a
    document, complete while typing, resolve, search; memory after each phase."""
    n_complete, n_search = (40, 25) if quick else (200, 100)
    contexts = completion_contexts(SEED + 11, n_complete + 1)
    queries = search_queries(SEED + 12, n_search)
    uri = (work / "workspace" / "main.py").as_uri()
    with (work / "server-warm.log").open("ab") as err:
        server = LspServer(work, err)
        try:
            server.initialize(home, work / "workspace", caps)
            _stats(server, res)
            time.sleep(0.2)  # let the initialized warm-up and configuration pull settle
            res.rss["after stats (cache loaded)"] = server.rss_kb()
            server.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": uri, "languageId": "python", "version": 1, "text": PREAMBLE,
                    }
                },
            )  # fmt: skip
            first, _ = complete_at(server, uri, 2, contexts[0])
            res.first_completion = first.seconds
            res.rss["after first completion (index built)"] = server.rss_kb()
            bench_completion(server, uri, contexts[1:], res)
            bench_search(server, queries, res)
            res.rss["after completions and searches"] = server.rss_kb()
            res.exit.append(server.close(res.problems))
            res.problems.extend(server.messages)
        finally:
            server.kill()


def check_stderr(work: Path, res: SizeResult) -> None:
    for name in ("server-cold.log", "server-warm.log"):
        path = work / name
        if not path.exists():
            continue
        lines = path.read_text(errors="replace").splitlines()
        bad = [ln.strip() for ln in lines if STDERR_PROBLEM.search(ln)]
        if bad:
            res.problems.append(
                f"{name}: {len(bad)} suspicious stderr lines, first: {bad[0][:160]}"
            )


def run_one(size: int, quick: bool, spawns: int) -> SizeResult:
    res = SizeResult(size)
    work = Path(tempfile.mkdtemp(prefix="pieces-bench-lsp-", dir="/tmp"))
    try:
        home = work / "home"
        (work / "workspace").mkdir()
        log(f"[{size}] filling ...")
        fill(home, size, res)
        caps = vscode_capabilities()
        log(f"[{size}] filled in {res.fill_seconds:.1f}s; {spawns} cold starts ...")
        cold_starts(home, work, spawns, caps, res)
        log(f"[{size}] completion and search ...")
        warm_session(home, work, caps, quick, res)
        check_stderr(work, res)
    except Exception as exc:  # report what broke instead of losing the whole table
        res.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return res


def run_size_subprocess(size: int, quick: bool, spawns: int) -> SizeResult:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(size), "--json"]
    cmd += ["--spawns", str(spawns)] + (["--quick"] if quick else [])
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip().startswith("{")]
    if proc.returncode != 0 or not lines:
        return SizeResult(size, problems=[f"subprocess exited with {proc.returncode}"])
    return SizeResult(**json.loads(lines[-1]))


# -- output -----------------------------------------------------------------------------------


def p50_95(samples: list[float]) -> str:
    return dur(pct(samples, 50), pct(samples, 95)) if samples else "n/a"


def mb(kb: int | None) -> str:
    return f"{kb / 1024:.0f}" if kb else "n/a"


def cold_table(results: list[SizeResult]) -> str:
    headers = ["size", "spawns", "initialize p50/p95", "first stats p50/p95", "exit p50/max"]
    rows = [
        [
            f"{r.size:,}", str(len(r.init)), p50_95(r.init), p50_95(r.first_stats),
            dur(pct(r.exit, 50), max(r.exit)) if r.exit else "n/a",
        ]
        for r in results
    ]  # fmt: skip
    return table(headers, rows)


def completion_table(results: list[SizeResult]) -> str:
    headers = [
        "size", "requests", "first (builds index)", "completion p50/p95", "items avg",
        "response KB p50/max", "empty", "resolve p50/p95",
    ]  # fmt: skip
    rows = []
    for r in results:
        n = len(r.completion)
        items = f"{sum(r.completion_items) / n:.1f}" if n else "n/a"
        kb = [b / 1024 for b in r.completion_bytes]
        size_kb = f"{pct(kb, 50):.0f} / {max(kb):.0f}" if kb else "n/a"
        empty = str(sum(1 for x in r.completion_items if x == 0)) if n else "n/a"
        rows.append([
            f"{r.size:,}", str(n), dur(r.first_completion), p50_95(r.completion), items,
            size_kb, empty, p50_95(r.resolve),
        ])  # fmt: skip
    return table(headers, rows)


def search_table(results: list[SizeResult]) -> str:
    headers = ["size", *(f"{m} p50/p95" for m in SEARCH_MODES), "hybrid filtered p50/p95"]
    headers.append("empty results")
    rows = [
        [
            f"{r.size:,}", *(p50_95(r.search.get(m, [])) for m in SEARCH_MODES),
            p50_95(r.search_filtered), f"{r.search_empty}/{r.search_count}",
        ]
        for r in results
    ]  # fmt: skip
    return table(headers, rows)


def memory_table(results: list[SizeResult]) -> str:
    phases = [
        "after stats (cache loaded)",
        "after first completion (index built)",
        "after completions and searches",
    ]
    headers = ["size", "db MB", *(f"RSS MB {p}" for p in phases), "VmHWM MB"]
    rows = []
    for r in results:
        last = r.rss.get(phases[-1], {})
        rows.append([
            f"{r.size:,}", f"{r.db_mb:.1f}", *(mb(r.rss.get(p, {}).get("VmRSS")) for p in phases),
            mb(last.get("VmHWM")),
        ])  # fmt: skip
    return table(headers, rows)


# -- entry point ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", help="comma-separated library sizes (default 1000,10000)")
    p.add_argument("--quick", action="store_true", help="fewer spawns and requests")
    p.add_argument("--spawns", type=int, help="cold starts per size (default 10, quick 5)")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spawns = args.spawns or (5 if args.quick else 10)
    if args.one is not None:
        res = run_one(args.one, args.quick, spawns)
        print(json.dumps(asdict(res)) if args.json else cold_table([res]), flush=True)
        return 0
    sizes = [int(s) for s in (args.sizes or "1000,10000").split(",") if s.strip()]
    load_before = load_average()
    results = [run_size_subprocess(n, args.quick, spawns) for n in sizes]
    print(machine())
    print(f"load average (1 min) before: {load_before}, after: {load_average()}")
    print()
    print("cold start (spawn -> answer)")
    print(cold_table(results))
    print()
    print("completion in an open Python document (VS Code capabilities, snippetSupport)")
    print(completion_table(results))
    print()
    print("pieces.search (limit 20)")
    print(search_table(results))
    print()
    print("server memory")
    print(memory_table(results))
    for r in results:
        for problem in dict.fromkeys(r.problems):
            print(f"  ! {r.size:,}: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
