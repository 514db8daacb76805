"""Loaded by every Python process the test suite starts (tests/conftest.py puts this folder on
PYTHONPATH): installs the network guard when NETGUARD_DIR is set, and does nothing otherwise."""

import os

if os.environ.get("NETGUARD_DIR"):
    import _pieces_netguard

    _pieces_netguard.install()
