"""Subprocess bodies for the multi-process tests (run as a script, not collected by pytest).

python _workers.py save HOME TAG COUNT STARTFILE   save COUNT snippets once STARTFILE exists
python _workers.py ack HOME TAG                    save forever, print each acknowledged id
python _workers.py read HOME STOPFILE              get() known ids until STOPFILE exists
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pieces_lsp.app import build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.model import SnippetDraft


def _library(home: str):
    return build_services(resolve_config({"home": home}, env={})).library


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.001)


def save(home: str, tag: str, count: int, start: str) -> None:
    lib = _library(home)
    _wait_for(Path(start))
    for i in range(count):
        lib.save(SnippetDraft(content=f"def f_{tag}_{i}(x):\n    return x * {i}\n", tags=[tag]))
    print(json.dumps({"saved": count}))


def ack(home: str, tag: str) -> None:
    lib = _library(home)
    i = 0
    while True:
        s = lib.save(SnippetDraft(content=f"crash_{tag}_{i} = {i}\n" * (1 + i % 7))).snippet
        sys.stdout.write(s.id + "\n")
        sys.stdout.flush()
        i += 1


def read(home: str, stop: str) -> None:
    lib = _library(home)
    ids = [s.id for s in lib.iter_snippets()]
    latencies = []
    reads = 0
    while not Path(stop).exists():
        for sid in ids:
            t = time.perf_counter()
            assert lib.get(sid).id == sid
            latencies.append(time.perf_counter() - t)
            reads += 1
        lib.count()
        time.sleep(0.001)
    latencies.sort()
    print(json.dumps({"reads": reads, "max_ms": 1000 * latencies[-1] if latencies else 0}))


if __name__ == "__main__":
    cmd, *rest = sys.argv[1:]
    if cmd == "save":
        save(rest[0], rest[1], int(rest[2]), rest[3])
    elif cmd == "ack":
        ack(rest[0], rest[1])
    elif cmd == "read":
        read(rest[0], rest[1])
