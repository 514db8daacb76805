"""Stand-ins for the outside world that record what reached them (standard library only)."""

from tests.fakes.llm_server import BEHAVIOURS, MODES, FakeLLM, serve

__all__ = ["BEHAVIOURS", "MODES", "FakeLLM", "serve"]
