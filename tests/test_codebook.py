"""Codebook loading and validation: shipped codebooks, and bad YAML failing with file, line and problem."""
from __future__ import annotations

import textwrap

import pytest

from analysis import codebook
from analysis.codebook import CodebookError

STORY_FRAMES = ["market", "competition", "heritage_quality", "technology", "skepticism", "speculation", "geopolitics"]


def write(tmp_path, text: str, name: str = "cb.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


GOOD = """
codebook: mini
unit: sentence
frames:
  - id: market
    label: Market
    definition: prices
    indicators:
      - type: lemma
        terms: [Preis]
"""


def test_shipped_codebooks_are_available_and_valid():
    names = codebook.available()
    assert {"tech-partnership", "generic-frames", "entman", "hedging"} <= set(names)
    for name in names:
        cb = codebook.load(name)
        assert cb.frames, name


def test_story_codebook_has_exactly_the_seven_frames_in_order():
    cb = codebook.load("tech-partnership")
    assert cb.frame_ids == STORY_FRAMES
    assert cb.unit == "sentence"
    assert all(f.definition for f in cb.frames)


def test_generic_frames_have_the_20_semetko_valkenburg_items():
    cb = codebook.load("generic-frames")
    assert cb.unit == "article"
    items = {f.id: len(f.items) for f in cb.frames}
    assert items == {"responsibility": 5, "human_interest": 5, "conflict": 4, "morality": 3, "economic": 3}
    assert sum(items.values()) == 20
    assert all(item.question.endswith("?") for f in cb.frames for item in f.items)


def test_entman_has_four_functions():
    cb = codebook.load("entman")
    assert cb.frame_ids == ["problem_definition", "causal_interpretation", "moral_evaluation",
                            "treatment_recommendation"]


def test_good_file_loads_with_defaults(tmp_path):
    cb = codebook.load(write(tmp_path, GOOD))
    ind = cb.frame("market").indicators[0]
    assert ind.id == "market.lemma1" and ind.negation == "drop" and ind.quotes == "keep"
    assert cb.negation.window == 3 and "nicht" in cb.negation.words


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, """
    codebook: mini
    frames:
      - id: market
        indicators:
          - type: word
            terms: [Preis, Kosten
      - id: other
    """)
    with pytest.raises(CodebookError) as err:
        codebook.load(path)
    msg = str(err.value)
    assert str(path) in msg and "line 7" in msg and "YAML syntax error" in msg


def test_unknown_indicator_type_names_line_and_lists_types(tmp_path):
    path = write(tmp_path, GOOD.replace("type: lemma", "type: lema"))
    with pytest.raises(CodebookError, match=r"line 8: .*'lema' is not allowed\. Use one of: lemma, word, glob, phrase, near"):
        codebook.load(path)


def test_duplicate_frame_id(tmp_path):
    text = GOOD + """
  - id: market
    indicators:
      - type: word
        terms: [teuer]
"""
    with pytest.raises(CodebookError, match=r"line 11: frame 'market': the id is used twice \(first on line 4\)"):
        codebook.load(write(tmp_path, text))


def test_duplicate_key_is_an_error_not_silently_overwritten(tmp_path):
    text = GOOD.replace("    label: Market\n", "    label: Market\n    label: Markt\n")
    with pytest.raises(CodebookError, match=r"line 6: the key 'label' appears twice .*first on line 5"):
        codebook.load(write(tmp_path, text))


def test_unknown_key_lists_known_keys(tmp_path):
    text = GOOD.replace("    definition: prices\n", "    defintion: prices\n")
    with pytest.raises(CodebookError, match=r"line 6: frame 'market': unknown key 'defintion'.*definition"):
        codebook.load(write(tmp_path, text))


def test_missing_terms_and_empty_terms(tmp_path):
    with pytest.raises(CodebookError, match=r"required key 'terms' is missing"):
        codebook.load(write(tmp_path, GOOD.replace("        terms: [Preis]\n", "")))
    with pytest.raises(CodebookError, match=r"line 9: .*list of terms is empty"):
        codebook.load(write(tmp_path, GOOD.replace("[Preis]", "[]")))


def test_regex_in_a_term_is_rejected(tmp_path):
    with pytest.raises(CodebookError, match=r"line 9: .*'Prei\(s\|se\)' is not a word pattern.*regular expressions are not allowed"):
        codebook.load(write(tmp_path, GOOD.replace("[Preis]", '["Prei(s|se)"]')))


def test_multiword_term_needs_phrase_and_wildcard_needs_glob(tmp_path):
    with pytest.raises(CodebookError, match=r"several words.*Use `type: phrase`"):
        codebook.load(write(tmp_path, GOOD.replace("[Preis]", '["auf den Markt"]')))
    with pytest.raises(CodebookError, match=r"contains a wildcard.*type: glob"):
        codebook.load(write(tmp_path, GOOD.replace("[Preis]", '["Preis*"]')))


def test_near_needs_a_near_list_and_frame_id_must_be_identifier(tmp_path):
    with pytest.raises(CodebookError, match=r"needs a `near:` list"):
        codebook.load(write(tmp_path, GOOD.replace("type: lemma", "type: near")))
    with pytest.raises(CodebookError, match=r"line 4: frame 'market-move': the id is not a valid column name"):
        codebook.load(write(tmp_path, GOOD.replace("id: market", "id: market-move")))


def test_bad_option_values(tmp_path):
    text = GOOD.replace("        terms: [Preis]\n", "        terms: [Preis]\n        negation: ignore\n")
    with pytest.raises(CodebookError, match=r"line 10: .*'ignore' is not allowed\. Use one of: drop, keep"):
        codebook.load(write(tmp_path, text))
    text = GOOD.replace("    label: Market\n", "    label: Market\n    min_hits: 0\n")
    with pytest.raises(CodebookError, match=r"line 6: .*whole number >= 1"):
        codebook.load(write(tmp_path, text))


def test_unsafe_yaml_tags_are_refused(tmp_path):
    marker = tmp_path / "pwned"
    text = GOOD.replace("label: Market", f"label: !!python/object/apply:os.system ['touch {marker}']")
    with pytest.raises(CodebookError, match=r"line 5"):
        codebook.load(write(tmp_path, text))
    assert not marker.exists()


def test_empty_file_missing_file_and_unknown_name(tmp_path):
    with pytest.raises(CodebookError, match=r"empty"):
        codebook.load(write(tmp_path, "\n"))
    with pytest.raises(CodebookError, match=r"file not found"):
        codebook.load(tmp_path / "nope.yaml")
    with pytest.raises(CodebookError, match=r"no codebook named 'nope'.*tech-partnership"):
        codebook.load("nope")


def test_frame_needs_indicators_or_items(tmp_path):
    text = GOOD.replace("""    indicators:
      - type: lemma
        terms: [Preis]
""", "")
    with pytest.raises(CodebookError, match=r"either `indicators` or `items`"):
        codebook.load(write(tmp_path, text))


def test_from_dict_and_indicator_table():
    cb = codebook.from_dict({"codebook": "d", "frames": [
        {"id": "a", "indicators": [{"type": "phrase", "terms": ["auf den Markt"]}]},
        {"id": "b", "items": [{"id": "q1", "question": "?", "indicators": [{"type": "word", "terms": ["x"]}]}]},
    ]})
    assert cb.frame_ids == ["a", "b"]
    table = codebook.indicators(cb)
    assert table["indicator"].tolist() == ["a.phrase1", "b.q1.word1"]
    assert table["item"].tolist()[1] == "q1"
    with pytest.raises(CodebookError, match=r"<dict>, line \d+: frame 'a'"):
        codebook.from_dict({"codebook": "d", "frames": [{"id": "a", "indicators": [{"type": "x", "terms": ["y"]}]}]})


def _plain(node):
    """A located YAML tree as plain values: (type, value, line) at the leaves."""
    if isinstance(node.value, dict):
        return {k: _plain(v) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [_plain(v) for v in node.value]
    return (type(node.value).__name__, node.value, node.line)


def test_strings_are_read_as_the_safe_constructor_reads_them(monkeypatch):
    import yaml

    from analysis import paths

    odd = textwrap.dedent("""
        plain: Preis
        quoted: "ja"
        yes_no: [yes, no, on, "off", ~, null, "null"]
        numbers: [1, "2", 3.5, 1e3, 0x1F, "0x1F", 2024-05-01]
        block: |
          zwei
          Zeilen
        folded: >
          eins
          zwei
        tagged: !!str 12
        empty: ""
        """)
    texts = [odd] + [(paths.CODEBOOKS / f"{name}.yaml").read_text(encoding="utf-8") for name in codebook.available()]
    for text in texts:
        node = yaml.compose(text, Loader=codebook._COMPOSER)
        fast = _plain(codebook._to_located(node, "x"))
        with monkeypatch.context() as m:
            m.setattr(codebook, "_STR_TAG", "no such tag")  # every scalar through the safe constructor
            assert _plain(codebook._to_located(node, "x")) == fast
    assert fast != {}
    assert _plain(codebook._to_located(yaml.compose(odd, Loader=codebook._COMPOSER), "x"))["yes_no"][:4] == [
        ("bool", True, 4), ("bool", False, 4), ("bool", True, 4), ("str", "off", 4)]
