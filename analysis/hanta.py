"""A faster drop-in for HanTa's Hanover Tagger on words it has to analyse from scratch.

HanTa (Wartena 2019) splits a word into morphemes with a hidden Markov model over
morpheme tags: :meth:`~HanTa.HanoverTagger.HanoverTagger.analyze_forward` finds the
likeliest part of speech, :meth:`~HanTa.HanoverTagger.HanoverTagger.analyze_viterbi`
the likeliest split for a given part of speech. Both try every segment
``word[i:j]`` with every tag that may follow the current state and call
``lp_m_t`` for each: about 3,000 calls per analysed word, of which more than nine in ten
return ``-inf`` (a segment that is not a morpheme of that tag and cannot be guessed
as an unknown one). :class:`FastHanoverTagger` reaches the same tables while
visiting only the combinations that can score:

- an inverted index *morpheme → {tag: log-probability}*, looked up once per segment
  and word, so closed-class tags are only tried on segments they know;
- the unknown-morpheme guess of the open-class tags split into a part per
  ``(tag, length)`` computed once (``Int_t + LP_hapax_t[t] + LP_len_t[t][length]``,
  added in HanTa's order) and the suffix part, whose suffix choice depends only on
  the segment (all tags share one suffix list; checked when the tagger is built);
- followers of each state (filtered by reachability in the Viterbi pass) prepared
  once, with the new state tuple and the guess tables attached.

Everything else is HanTa's own code: the class subclasses
:class:`HanTa.HanoverTagger.HanoverTagger`, shares the loaded model and overrides
only those two methods. The loops keep HanTa's order (states of a row in insertion
order, then end positions, then follower tags), skip only combinations whose score
is ``-inf`` (which HanTa never stores) and do every floating-point addition in
HanTa's order, so every table row holds the same states in the same insertion
order with the same values and back pointers, and every result is bit-for-bit
HanTa's (tested in ``tests/test_hanta.py``).

References
----------
Wartena, C. (2019). A probabilistic morphology model for German lemmatization.
*Proceedings of the 15th Conference on Natural Language Processing (KONVENS 2019)*, 40–49.
"""
from __future__ import annotations

import math
from operator import itemgetter

from HanTa.HanoverTagger import EMPTY, END_UNKNOWN, START, UNKNOWN, HanoverTagger
from numpy import logaddexp

__all__ = ["FastHanoverTagger"]

_LOWERBOUND = -1e6  # HanTa's bound below which a state is not stored
_MAX_SUFFIX = 4  # HanTa guesses unknown morphemes from their last 1-4 letters
_MAX_LEN = 24  # ... and their length, counted up to 24
_MINUS_INF = -math.inf


class FastHanoverTagger(HanoverTagger):
    """HanTa's Hanover Tagger with a faster morpheme lattice, same results bit for bit.

    Built from a loaded :class:`HanTa.HanoverTagger.HanoverTagger`, whose model it
    shares (nothing is copied or reloaded). :meth:`analyze`, :meth:`tag_word`,
    :meth:`tag_sent` and the rest are HanTa's own methods; only
    :meth:`analyze_forward` and :meth:`analyze_viterbi` are replaced, by versions
    that fill the same tables while skipping the segment-tag pairs that cannot
    score. With ``_debug`` set, or a model that breaks an assumption of the fast
    path (see :meth:`_prepare`), HanTa's own methods run.

    Parameters
    ----------
    tagger
        A loaded tagger, e.g. ``HanoverTagger("morphmodel_ger.pgz")``.

    Examples
    --------
    >>> from HanTa.HanoverTagger import HanoverTagger
    >>> fast = FastHanoverTagger(HanoverTagger("morphmodel_ger.pgz"))  # doctest: +SKIP
    >>> fast.analyze("Partnerschaften")  # doctest: +SKIP
    ('Partnerschaft', 'NN')

    References
    ----------
    Wartena, C. (2019). A probabilistic morphology model for German lemmatization.
    *Proceedings of the 15th Conference on Natural Language Processing (KONVENS 2019)*, 40–49.
    """

    def __init__(self, tagger: HanoverTagger) -> None:
        # share the loaded model (and the precomputed tables HanoverTagger.__init__ made)
        self.__dict__.update(vars(tagger))
        self._fast = self._prepare()
        self._followers: dict = {}  # target (None: forward) -> state -> prepared followers (see _prepare_followers)
        self._word_data: tuple | None = None  # (word, segment tables) of the last word (see _segments)

    # -----------------------------------------------------------------------------------------
    # preparation

    def _prepare(self) -> bool:
        """Build the inverted morpheme index and the guess tables; ``False`` if the model does not fit.

        The fast path assumes what HanTa's German model satisfies: every open-class
        tag (one with a hapax and a suffix distribution) has a suffix table with the
        same keys, including ``''``, and a length table of at least 25 entries, and
        every tag that can follow a state has a morpheme table (HanTa would raise
        otherwise).
        """
        open_tags = [t for t in self.LP_hapax_t if t in self.LP_s_t]
        keys = {frozenset(self.LP_s_t[t]) for t in open_tags}
        if len(keys) > 1 or (keys and "" not in next(iter(keys))):
            return False
        if any(t not in self.LP_len_t or len(self.LP_len_t[t]) <= _MAX_LEN for t in open_tags):
            return False
        if any(t not in self.LP_m_t for followers in self.LP_trans_nonfinal.values() for t, _ in followers):
            return False
        self._suffixes = next(iter(keys)) if keys else frozenset({""})
        index: dict[str, dict[int, float]] = {}
        for t, morphemes in self.LP_m_t.items():
            for m, lp in morphemes.items():
                index.setdefault(m, {})[t] = lp
        self._index = index
        # the length-dependent part of the unknown-morpheme guess, added as in HanTa's lp_m_t
        self._guess_base = {
            t: [self.Int_t + self.LP_hapax_t[t] + self.LP_len_t[t][n] for n in range(_MAX_LEN + 1)] for t in open_tags
        }
        return True

    def _prepare_followers(self, state: tuple[int, int], target: int | None) -> tuple | None:
        """The non-final followers of ``state``, prepared for :meth:`_fill`.

        Each follower is ``(rank, tag, lp_trans, new_state, guess_base, suffix_lp)``,
        ``rank`` its place in HanTa's list (for the Viterbi pass only the tags from
        which ``target`` is reachable), ``guess_base`` and ``suffix_lp`` ``None`` for
        closed-class tags.

        Returns
        -------
        tuple or None
            ``(all followers, open-class followers, the same as (lp_trans, new_state,
            guess_base, suffix_lp), {tag: follower} of the closed-class ones,
            {tag: follower} of all)``, or ``None`` when there are none.
        """
        followers = self.LP_trans_nonfinal.get(state, [])
        if target is not None:
            reachable = self.reachability.get(target, frozenset())
            followers = [(t, p) for t, p in followers if t in reachable]
        if not followers:
            return None
        every = []
        for rank, (t, p) in enumerate(followers):
            base = self._guess_base.get(t)
            every.append((rank, t, p, (state[1], t), base, self.LP_s_t[t] if base is not None else None))
        opened = [f for f in every if f[4] is not None]
        closed = {f[1]: f for f in every if f[4] is None}
        return every, opened, [f[2:] for f in opened], closed, {f[1]: f for f in every}

    def _segments(self, word: str) -> tuple[list, list]:
        """Per-word tables (kept for the last word, which the Viterbi pass and a second call reuse).

        Returns
        -------
        known : list of list
            ``known[i][j]`` is the index entry ``{tag: lp}`` of ``word[i:j]`` or ``None``.
        suffix : list of list
            ``suffix[j][min(j - i, 5)]`` is the suffix HanTa's guess uses for ``word[i:j]``:
            the longest of its last 4, 3, 2, 1 letters that is shorter than it and has
            a probability, else ``''``.
        """
        cached = self._word_data
        if cached is not None and cached[0] == word:
            return cached[1]
        wlen = len(word)
        get = self._index.get
        known = [[None] * (i + 1) + [get(word[i:j]) for j in range(i + 1, wlen + 1)] for i in range(wlen + 1)]
        sufs = self._suffixes
        suffix = []
        for j in range(wlen + 1):
            best = ""  # grows with the segment length: the longest known suffix shorter than it
            by_length = [best, best]
            for k in range(1, min(j, _MAX_SUFFIX) + 1):
                if word[j - k : j] in sufs:
                    best = word[j - k : j]
                by_length.append(best)
            by_length += [best] * (_MAX_SUFFIX + 2 - len(by_length))
            suffix.append(by_length)
        data = (known, suffix)
        self._word_data = (word, data)
        return data

    # -----------------------------------------------------------------------------------------
    # the lattice

    def _fill(self, word: str, strict: bool, target: int | None, backpointer: list | None) -> list[dict]:
        """Rows ``0..len(word)`` of HanTa's lattice, filled exactly as its loops fill them.

        ``target`` ``None`` is the forward pass, otherwise the Viterbi pass towards that
        final tag (which also records ``backpointer``). The final row is left empty.

        HanTa loops over the states of row ``i`` (in insertion order), then over the
        ends ``j``, then over the followers of the state; here the ends come first.
        Row ``j`` still receives its candidates in the same order (by state, then by
        follower), which is all that decides its insertion order, values and back
        pointers, since nothing else writes to row ``j`` while row ``i`` is processed.
        Of the followers only those that can score are visited: the ones the
        segment's index entry knows (found from the smaller side, sorted by rank)
        and, where HanTa guesses unknown morphemes, the open-class ones.
        """
        wlen = len(word)
        lowerbound = _LOWERBOUND
        minus_inf = _MINUS_INF
        table = [{(EMPTY, START): 0}] + [{} for _ in range(wlen + 1)]
        known, suffix = self._segments(word)
        cache = self._followers.get(target)
        if cache is None:
            cache = self._followers[target] = {}
        short = wlen < 4
        for i in range(wlen):  # row wlen has no segment to add
            row = table[i]
            if not row:
                continue
            rowbound = sorted(row.values(), reverse=True)[3] - 1 if len(row) > 3 else lowerbound
            visited = []  # (lp, back pointer, prepared followers) of the states that go on
            guessing = []  # (lp + lp_trans, new state, guess base, suffix lp, back pointer) of their open followers
            for state, lp in row.items():
                if lp < rowbound:
                    continue
                prepared = cache.get(state, False)
                if prepared is False:
                    prepared = cache[state] = self._prepare_followers(state, target)
                if prepared is None:
                    continue
                back = (state, i)
                visited.append((lp, back, prepared))
                if not strict and prepared[2]:
                    guessing += [(lp + lpt, newstate, base, suffix_lp, back) for lpt, newstate, base, suffix_lp in prepared[2]]
            if not visited:
                continue
            known_i = known[i]
            for j in range(i + 1, wlen + 1):
                mlen = j - i
                entry = known_i[j]
                guess = guessing and (mlen > 2 or short)  # HanTa guesses no unknown morpheme this short
                if guess:
                    suf = suffix[j][mlen if mlen <= _MAX_SUFFIX else _MAX_SUFFIX + 1]
                    n = mlen if mlen < _MAX_LEN else _MAX_LEN
                    whole = mlen == wlen  # HanTa's penalty for one unknown morpheme spanning the word
                elif entry is None:
                    continue
                row_j = table[j]
                bp_j = backpointer[j] if backpointer is not None else None
                if entry is None:  # a segment no tag knows: the open followers' guesses
                    for lp_t, newstate, base, suffix_lp, back in guessing:
                        lpm = base[n] + suffix_lp[suf]
                        if whole:
                            lpm -= 4.6
                        lp1 = lp_t + lpm
                        if lp1 > lowerbound and lp1 > row_j.get(newstate, minus_inf):
                            row_j[newstate] = lp1
                            if bp_j is not None:
                                bp_j[newstate] = back
                    continue
                for lp, back, (every, opened, _, closed, by_tag) in visited:
                    if guess and opened:  # known or guessed for the open followers, known for the rest
                        if len(entry) + len(opened) < len(every):
                            hits = [closed[t] for t in entry if t in closed]
                            if hits:
                                hits += opened
                                hits.sort()
                            else:
                                hits = opened
                        else:
                            hits = every
                        for _, tag1, lpt, newstate, base, suffix_lp in hits:
                            lpm = entry.get(tag1)
                            if lpm is None:
                                if base is None:
                                    continue
                                lpm = base[n] + suffix_lp[suf]
                                if whole:
                                    lpm -= 4.6
                            lp1 = lp + lpt + lpm
                            if lp1 > lowerbound and lp1 > row_j.get(newstate, minus_inf):
                                row_j[newstate] = lp1
                                if bp_j is not None:
                                    bp_j[newstate] = back
                        continue
                    # only what the model knows can score
                    if len(entry) < len(every):
                        hits = [by_tag[t] for t in entry if t in by_tag]
                        if not hits:
                            continue
                        hits.sort()
                    else:
                        hits = [f for f in every if f[1] in entry]
                    for _, tag1, lpt, newstate, _, _ in hits:
                        lp1 = lp + lpt + entry[tag1]
                        if lp1 > lowerbound and lp1 > row_j.get(newstate, minus_inf):
                            row_j[newstate] = lp1
                            if bp_j is not None:
                                bp_j[newstate] = back
        return table

    def analyze_forward(self, word: str) -> list[tuple[int, float]]:
        """Log-probability of each final tag of ``word``, best first (HanTa's result, faster).

        Parameters
        ----------
        word
            The normalised (lower-cased) word.

        Returns
        -------
        list of (int, float)
            ``(tag, log-probability)`` as :meth:`HanTa.HanoverTagger.HanoverTagger.analyze_forward`.
        """
        if not self._fast or self._debug:
            return super().analyze_forward(word)
        lowerbound = _LOWERBOUND
        table = self._fill(word, self.strict, None, None)
        last = table[-1]
        final = self.LP_trans_final
        for state, lp in table[-2].items():
            for tag1, lpt in final.get(state, []):
                lp1 = lp + lpt
                if lp1 > lowerbound:
                    newstate = (state[1], tag1)
                    if newstate not in last or lp1 > last[newstate]:
                        last[newstate] = lp1
        results: dict = {}
        for state, lp in last.items():
            if lp == -math.inf:
                continue
            pos = -state[1]
            if pos in results:
                results[pos] = logaddexp(results[pos], lp)
            else:
                results[pos] = lp
        result_list = list(results.items())
        result_list.sort(key=itemgetter(1), reverse=True)
        if len(result_list) == 0:
            result_list = [(UNKNOWN, 0)]
        return result_list

    def analyze_viterbi(self, word: str, targetpos: int) -> list[tuple[int, int]]:
        """The likeliest morpheme split of ``word`` ending in ``targetpos`` (HanTa's result, faster).

        Parameters
        ----------
        word
            The lower-cased word.
        targetpos
            The final (negative) tag.

        Returns
        -------
        list of (int, int)
            ``(tag, end)`` per morpheme as :meth:`HanTa.HanoverTagger.HanoverTagger.analyze_viterbi`.
        """
        if not self._fast or self._debug:
            return super().analyze_viterbi(word, targetpos)
        wlen = len(word)
        lowerbound = _LOWERBOUND
        final = self.LP_trans_final
        for localstrict in (True, False):
            backpointer = [{} for _ in range(wlen + 2)]
            table = self._fill(word, localstrict, targetpos, backpointer)
            last, back_last = table[-1], backpointer[-1]
            for state, lp in table[-2].items():
                for tag1, lpt in final.get(state, []):
                    if tag1 == targetpos:
                        lp1 = lp + lpt
                        if lp1 > lowerbound:
                            newstate = (state[1], tag1)
                            if newstate not in last or lp1 > last[newstate]:
                                last[newstate] = lp1
                                back_last[newstate] = (state, wlen)
                        break
            if len(last) > 0:
                break
        pmax = -math.inf
        beststate = (EMPTY, EMPTY)
        for state, lp in table[-1].items():
            if lp > pmax:
                pmax = lp
                beststate = state
        i = len(backpointer) - 1
        if beststate == (EMPTY, EMPTY):
            states = [((UNKNOWN, END_UNKNOWN), i), ((START, UNKNOWN), i - 1)]
        else:
            states = [(beststate, i)]
            state = beststate
            while i > 0:
                state, i = backpointer[i][state]
                states.append((state, i))
            states = states[:-1]
        return [(state[1], i) for (state, i) in states[::-1]]
