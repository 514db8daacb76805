"""Take stdin and stdout for the protocol before anything else can use them.

stdout carries the protocol, one JSON message a line: a single stray print from any library
breaks the client's reader. So we keep private duplicates of the two descriptors for the
protocol, point file descriptor 1 (and `sys.stdout`) at stderr, where a stray line is only
noise in a log, and point descriptor 0 at the null device, so that no child process (git, the
analysis worker) can read protocol bytes meant for us. No SDK import here: this runs first.
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO


def claim_stdio() -> tuple[BinaryIO, BinaryIO]:
    """(protocol input, protocol output); from now on the standard streams are not the wire.

    Where descriptors cannot be duplicated (an embedded interpreter without real ones), it
    falls back to the streams' buffers, keeping the Python-level redirection of `sys.stdout`
    as the language server does (lsp/server.py)."""
    sys.stdout.flush()
    wire_in: BinaryIO
    wire_out: BinaryIO
    try:
        in_fd, out_fd = sys.stdin.fileno(), sys.stdout.fileno()
        wire_in = os.fdopen(os.dup(in_fd), "rb")
        wire_out = os.fdopen(os.dup(out_fd), "wb")
    except (AttributeError, OSError, ValueError):
        wire_in, wire_out = sys.stdin.buffer, sys.stdout.buffer
    else:
        try:
            os.dup2(sys.stderr.fileno(), out_fd)
            null = os.open(os.devnull, os.O_RDONLY)
            try:
                os.dup2(null, in_fd)
            finally:
                os.close(null)
        except (AttributeError, OSError, ValueError):
            pass  # the private duplicates are the wire either way; this only adds safety
    sys.stdout = sys.stderr
    return wire_in, wire_out
