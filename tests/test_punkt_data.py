"""TextBlobDE works offline: the install provides NLTK's German punkt_tab data."""
from __future__ import annotations

import nltk

from analysis import punkt_data


def test_install_writes_loadable_punkt_tab(tmp_path):
    target = punkt_data.install(tmp_path)
    assert (target / "abbrev_types.txt").read_text(encoding="utf-8").count("\n") > 50
    from nltk.tokenize.punkt import PunktTokenizer

    nltk.data.path.insert(0, str(tmp_path))
    try:
        tok = PunktTokenizer("german")
        assert tok.tokenize("Das ist gut. Am 3. Mai kam Dr. Müller. Dann ging er.") == [
            "Das ist gut.",
            "Am 3. Mai kam Dr. Müller.",
            "Dann ging er.",
        ]
    finally:
        nltk.data.path.remove(str(tmp_path))


def test_install_is_idempotent(tmp_path):
    first = punkt_data.install(tmp_path)
    stamp = {p.name: p.stat().st_mtime_ns for p in first.iterdir()}
    second = punkt_data.install(tmp_path)
    assert {p.name: p.stat().st_mtime_ns for p in second.iterdir()} == stamp


def test_textblob_de_splits_sentences_in_the_project_environment():
    from textblob_de import TextBlobDE

    blob = TextBlobDE("Das ist nicht gut. Dr. Müller kam am 3. Mai.")
    assert [str(s) for s in blob.sentences] == ["Das ist nicht gut.", "Dr. Müller kam am 3. Mai."]
