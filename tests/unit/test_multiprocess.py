"""Several editor windows share one profile; a crash never loses an acknowledged save."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from pieces_lsp.model import SnippetDraft
from tests.conftest import cli_env, make_library

WORKERS = Path(__file__).resolve().parent.parent / "_workers.py"


def _spawn(home: Path, *args: str, **kw) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(home),
        cwd=str(home),
        **kw,
    )


def test_four_processes_save_500_each(home, tmp_path):
    start = tmp_path / "go"
    stop = tmp_path / "stop"
    seed = make_library(home)
    for i in range(20):
        seed.save(SnippetDraft(content=f"seed_{i} = {i}"))
    writers = [_spawn(home, "save", str(home), f"w{n}", "500", str(start)) for n in range(4)]
    reader = _spawn(home, "read", str(home), str(stop))
    try:
        time.sleep(1.0)  # let every interpreter import and wait at the start line
        start.touch()
        results = [w.communicate(timeout=600) for w in writers]
        stop.touch()
        r_out, r_err = reader.communicate(timeout=60)
    finally:
        for p in [*writers, reader]:
            if p.poll() is None:
                p.kill()
                p.wait()
    for w, (out, err) in zip(writers, results, strict=True):
        assert w.returncode == 0, err
        assert err == "", err
        assert json.loads(out) == {"saved": 500}
    assert reader.returncode == 0, r_err
    assert json.loads(r_out)["reads"] > 0
    lib = make_library(home)
    assert lib.count() == 2020
    for n in range(4):
        assert lib.list(lib_query(tag=f"w{n}")).total == 500


def lib_query(**kw):
    from pieces_lsp.model import ListQuery

    return ListQuery(limit=0, **kw)


def test_sigkill_during_saves_loses_no_acknowledged_save(home):
    rng = random.Random(int(os.environ.get("PIECES_TEST_SEED", "0")) or None)
    acknowledged: list[str] = []
    for round_ in range(4):
        proc = _spawn(home, "ack", str(home), f"r{round_}")
        target = rng.randint(5, 60)
        got: list[str] = []
        assert proc.stdout is not None
        try:
            while len(got) < target:
                line = proc.stdout.readline()
                assert line, proc.stderr.read() if proc.stderr else "writer died"
                got.append(line.strip())
            time.sleep(rng.uniform(0, 0.05))  # land the kill at a random point of a later save
        finally:
            proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        got.extend(x for x in rest.split() if x)
        acknowledged.extend(got)
        lib = make_library(home)  # the file opens after the crash
        missing = [sid for sid in acknowledged if sid not in {s.id for s in lib.iter_snippets()}]
        assert missing == [], f"round {round_}: lost {len(missing)} acknowledged saves"
    # And the library still works for writes.
    assert make_library(home).save(SnippetDraft(content="after_crash = 1")).created
