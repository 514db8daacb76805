"""The analysis worker process: answers, and is abandoned and replaced when it hangs or dies."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from pieces_lsp.analysis.enrich import IsolatedEnricher
from pieces_lsp.analysis.worker import AnalysisWorker
from pieces_lsp.errors import AnalysisUnavailableError

HANGING = [sys.executable, "-c", "import time\nwhile True: time.sleep(1)"]
CRASHING = [sys.executable, "-c", "import sys; sys.stdin.readline(); sys.exit(3)"]


@pytest.fixture(scope="module")
def worker():
    w = AnalysisWorker()
    yield w
    w.close()


def test_the_worker_analyses_in_another_process(worker: AnalysisWorker):
    result = worker.analyze("def add(a, b):\n    return a + b\n", filename="calc.py")
    assert result.language == "python"
    assert worker.pid is not None and worker.pid != os.getpid()


def test_a_killed_worker_is_replaced_on_the_next_request(worker: AnalysisWorker):
    worker.analyze("x = 1\n", language_id="python")
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    result = worker.analyze("y = 2\n", language_id="python")
    assert result.language == "python"
    assert worker.pid not in (None, pid)


def test_a_hanging_worker_is_abandoned_within_its_deadline():
    w = AnalysisWorker(command=HANGING, reply_timeout_s=0.5, first_reply_timeout_s=0.5)
    started = time.perf_counter()
    with pytest.raises(AnalysisUnavailableError, match="longer than"):
        w.analyze("x = 1\n")
    assert time.perf_counter() - started < 3
    assert w.pid is None  # killed, not left spinning
    w.close()


def test_a_crashing_worker_is_reported_cleanly():
    w = AnalysisWorker(command=CRASHING, first_reply_timeout_s=10)
    with pytest.raises(AnalysisUnavailableError, match="exited"):
        w.analyze("x = 1\n")
    w.close()


def test_a_save_never_fails_because_analysis_did():
    w = AnalysisWorker(command=HANGING, reply_timeout_s=0.3, first_reply_timeout_s=0.3)
    result = IsolatedEnricher(w).enrich("def f():\n    pass\n", uri="file:///tmp/f.py")
    assert result.language == "python"
    assert "worker" in result.failed
    assert result.title
    w.close()
