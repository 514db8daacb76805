"""Grammar wheels by language id, driven by `grammars/grammars.toml`.

Grammars are imported on first use only: importing forty grammar modules would cost the
server's cold start for languages a user may never save. A missing or broken wheel makes its
language unparsed, never an error, because parsing only ever adds enrichment.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache

from tree_sitter import Language

from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GrammarSpec:
    language: str
    module: str
    function: str
    queries: str


@lru_cache(maxsize=1)
def specs() -> dict[str, GrammarSpec]:
    data = tomllib.loads((grammars_dir() / "grammars.toml").read_text(encoding="utf-8"))
    return {
        lang: GrammarSpec(
            language=lang,
            module=str(spec["module"]),
            function=str(spec.get("function", "language")),
            queries=str(spec.get("queries", lang)),
        )
        for lang, spec in data.items()
    }


_lock = threading.Lock()
_loaded: dict[str, Language | None] = {}


def grammar(language: str) -> Language | None:
    """The tree-sitter Language for an id, or None when no installed wheel provides it."""
    try:
        return _loaded[language]
    except KeyError:
        pass
    with _lock:
        if language in _loaded:
            return _loaded[language]
        spec = specs().get(language)
        result: Language | None = None
        if spec is not None:
            try:
                module = importlib.import_module(spec.module)
                with warnings.catch_warnings():
                    # Older grammar wheels hand over an int pointer instead of a capsule.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    result = Language(getattr(module, spec.function)())
            except Exception as exc:  # an absent or ABI-incompatible wheel: parse nothing
                log.info("grammar for %s unavailable: %s", language, type(exc).__name__)
        _loaded[language] = result
        return result


def supported_languages() -> list[str]:
    """Language ids whose grammar is installed and loads."""
    return [lang for lang in specs() if grammar(lang) is not None]
