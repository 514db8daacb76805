"""Features and model call for the language-identification classifier (models/langid/).

The features are hashed counts of: word tokens, token bigrams, the first token and the first
two characters of each line, the last character of each line, and character 3-grams. Buckets
are log-scaled and L2-normalised; the model (a linear layer over the buckets, int8 weights with
per-class scales, softmax) gathers the rows of the non-zero buckets. `models/langid/build.py`
uses this same module to train, so training and inference cannot drift apart.

Identifiers outside the model's vocabulary (`vocab.txt`: names seen in at least a few
independent training packages, i.e. keywords, builtins and common library names) are replaced
by their shape (`zid`, `zId`, `Zid`, `z_id`, ...) before featurising. A package's own names
otherwise become evidence for its language, which does not carry over to a user's snippet.
"""

from __future__ import annotations

import json
import re
import zlib
from functools import lru_cache
from itertools import pairwise

import numpy as np

from pieces_lsp.ml.runtime import model_path, session, verify

MODEL = "langid"
VOCAB = "langid-vocab"
MAX_CHARS = 6000
_TOKEN = re.compile(r"[A-Za-z_$@][\w$]*|\d+|[^\w\s]")
_PRIME = np.uint64(1_000_003)
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# A Vue single-file component always has markup (a tag or `{{ }}`); without any, a "Vue" text
# is the JavaScript or TypeScript of its `<script>` block.
VUE_MARKUP = re.compile(r"</?[a-zA-Z][\w-]*[\s>/]|\{\{")

# Syntax that exists in TypeScript and not in JavaScript. Without any of it, a text that parses
# as both is more likely JavaScript (TypeScript code is mostly written with annotations), so
# TypeScript then gets a penalty (models/langid/tune.py picks it on the validation split), and
# build.py drops TypeScript training windows without it (they would teach that plain JS is TS).
TS_ONLY = re.compile(
    "|".join(
        [
            r"^\s*import\s+type\s",
            r"\bas\s+(const|unknown|any|string|number)\b",
            r"^\s*export\s+(declare\s+)?(interface|type|enum|abstract\s+class)\s+\w+",
            r"^\s*(declare\s+|const\s+)+enum\s+\w+\s*\{",
            r"^\s*(export\s+)?interface\s+\w+(<[^>]*>)?(\s+extends\s+[\w<>, .]+)?\s*\{",
            r"^\s*type\s+[A-Z]\w*(<[^>]*>)?\s*=.*[^;];\s*$",
            r"\bconstructor\s*\(\s*(private|public|protected|readonly)\s",
            r"^\s*(private|public|protected|readonly)\s+(readonly\s+)?\w+\s*[?!]?\s*:\s*\S",
            r"\bfunction\s*\*?\s*\w*\s*<\w+(\s+extends\s[^>]+)?(,\s*\w+[^>]*)?>\s*\(",
            r"\(\s*\w+\??\s*:\s*[A-Za-z_]",
            r",\s*\w+\??\s*:\s*(string|number|boolean|any|unknown)\b",
            r"\)\s*:\s*[\w\[\]<>|.]+\s*(=>|\{)",
            r"^\s*(const|let|var)\s+\w+\s*:\s*[\w\[\]<>|.]+\s*=.*;\s*$",
            r"\bkeyof\s+\w|\b(Partial|Record|Readonly|ReturnType|Omit|Pick)<\w",
            r"^\s*(readonly\s+)?\w+\??\s*:\s*(string|number|boolean|any|unknown|"
            r"[A-Z]\w*(<[^>]*>)?)(\[\])?\s*;\s*$",
        ]
    ),
    re.M,
)


@lru_cache(maxsize=1)
def config() -> dict:
    return json.loads((model_path(MODEL).parent / "config.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str] | None:
    """The identifiers kept verbatim by `mask_identifiers` (None: the model masks nothing)."""
    if not config().get("vocab"):
        return None
    text = verify(VOCAB).read_text(encoding="utf-8")  # hash-checked like the model
    return frozenset(text.split())


def _shape(name: str) -> str:
    inner = name.strip("_")
    if "_" in inner:
        return "Z_ID" if name.upper() == name else "z_id"
    if name[0].isupper():
        return "ZID" if name.isupper() and len(name) > 1 else "Zid"
    if any(c.isupper() for c in name):
        return "zId"
    return "zid"


def mask_identifiers(text: str, vocab: frozenset[str] | set[str] | None) -> str:
    """`text` with every identifier not in `vocab` replaced by its shape."""
    if vocab is None:
        return text
    return IDENTIFIER.sub(lambda m: m.group(0) if m.group(0) in vocab else _shape(m.group(0)), text)


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8", "surrogatepass"))


def features(
    text: str, dim: int, vocab: frozenset[str] | set[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Hashed feature buckets (sorted int64 indices) and their normalised float32 values."""
    text = mask_identifiers(text[:MAX_CHARS], vocab)
    mask = dim - 1
    keys: list[int] = []
    tokens = _TOKEN.findall(text)
    keys.extend(_h("w" + t) for t in tokens)
    keys.extend(_h("b" + a + " " + b) for a, b in pairwise(tokens))
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        m = _TOKEN.match(s)
        if m:
            keys.append(_h("f" + m.group(0)))
        keys.append(_h("p" + s[:2]))
        keys.append(_h("e" + s[-1]))
        if line[0] == "\t":
            keys.append(_h("i\t"))
        elif line[0] == " ":
            keys.append(_h("i" + str(min(len(line) - len(line.lstrip(" ")), 8))))
    idx = np.asarray(keys, dtype=np.int64) & mask
    # character 3-grams, whitespace runs folded to one space, hashed with numpy
    folded = re.sub(r"\s+", " ", text)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size >= 3:
        g = (codes[:-2] * _PRIME + codes[1:-1]) * _PRIME + codes[2:]
        g = (g ^ (g >> np.uint64(17))) * np.uint64(0x9E3779B1)
        g = (g >> np.uint64(7)).astype(np.int64) & mask
        idx = np.concatenate([idx, g])
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    uniq, counts = np.unique(idx, return_counts=True)
    vals = np.log1p(counts.astype(np.float32))
    vals /= np.float32(np.sqrt(float(np.dot(vals, vals))))
    return uniq, vals.astype(np.float32)


def predict(text: str) -> list[tuple[str, float]]:
    """(linguist name, probability) for every label, best first."""
    cfg = config()
    idx, vals = features(text, int(cfg["dim"]), vocabulary())
    labels: list[str] = cfg["labels"]
    if idx.size == 0:
        p = np.full(len(labels), 1.0 / len(labels), dtype=np.float32)
    else:
        p = session(MODEL).run(None, {"indices": idx, "values": vals})[0]
    order = np.argsort(-p)
    return [(labels[i], float(p[i])) for i in order]
