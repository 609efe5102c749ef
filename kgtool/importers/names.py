"""Recognising an organisation's legal form from its name.

Japanese registries rarely state the legal form as a field (the corporate-number kind 399 covers
social welfare corporations, NPOs, medical corporations and cooperatives alike), so the form is
read from the name: ``社会福祉法人　青空会``, ``（株）ケアサービス``, ``医療法人社団○○会``,
``別海町``. The patterns are data, kept in ``ontology/legal-forms.ttl`` on each ``kg:LegalForm``:

* ``kg:namePrefix`` / ``kg:nameSuffix`` / ``kg:nameContains`` — literal strings;
* ``kg:nameRegex`` — regular expressions, tried only when no literal pattern matches;
* ``kg:corporateNumberRegex`` — a regex over the 13-digit corporate number, for forms whose
  numbers have a fixed shape in the registry (local governments: check digit + ``000020`` +
  their 6-digit local-government code).

Rules: both names and patterns are normalised by :func:`normalize_name` (NFKC, whitespace
removed, hiragana turned into katakana). The longest matching literal pattern wins (so
``社会福祉協議会`` beats ``社会福祉法人`` and ``社会医療法人`` beats ``医療法人``); on a tie in
length a prefix/suffix match beats a contained one, then the earlier match in the name, then the
form's IRI (so the result never depends on dictionary order). Regexes are tried only when no
literal pattern matches; the one with the longest match wins. A name no pattern matches is not
guessed at: :meth:`LegalFormRecognizer.recognize` returns ``None``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import rdflib
from rdflib.namespace import RDF

from ..errors import InputError
from ..namespaces import KG

__all__ = ["LegalFormRecognizer", "NamePattern", "normalize_name"]

_WHITESPACE = re.compile(r"\s+")
# Hiragana (ぁ U+3041 … ゖ U+3096, ゝ ゞ) to the katakana 0x60 code points above them.
_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(0x3041, 0x3097)}
_HIRAGANA_TO_KATAKANA.update({0x309D: 0x30FD, 0x309E: 0x30FE})

_LITERAL_KINDS = {KG.namePrefix: "prefix", KG.nameSuffix: "suffix", KG.nameContains: "contains"}
# Public for callers that document or test the ontology: the corporate-number pattern property.
CORPORATE_NUMBER_REGEX = KG.corporateNumberRegex


def normalize_name(name: str) -> str:
    """The form names and patterns are compared in: Unicode NFKC (full-width letters, digits
    and brackets become half-width, ``㈱`` becomes ``(株)``), every whitespace character
    (including the ideographic space) removed, hiragana turned into katakana."""
    text = unicodedata.normalize("NFKC", name)
    text = _WHITESPACE.sub("", text)
    return text.translate(_HIRAGANA_TO_KATAKANA)


@dataclass(frozen=True)
class NamePattern:
    """One name pattern of a legal form, already normalised."""

    form: str
    kind: str  # "prefix", "suffix", "contains" or "regex"
    text: str


@dataclass(frozen=True)
class _Match:
    form: str
    length: int
    anchored: bool
    position: int

    def key(self) -> tuple[int, int, int, str]:
        # Sorting key: longest first, then anchored, then earliest, then IRI.
        return (-self.length, 0 if self.anchored else 1, self.position, self.form)


class LegalFormRecognizer:
    """Finds the legal form an organisation's name (or corporate number) announces.

    >>> r = LegalFormRecognizer.default()
    >>> r.recognize("社会福祉法人　青空会")
    'https://w3id.org/kgtool/legal-form/ShakaiFukushiHojin'
    """

    def __init__(self, patterns: list[NamePattern],
                 number_patterns: list[tuple[str, str]] | None = None) -> None:
        self.patterns = list(patterns)
        self._literals = [p for p in self.patterns if p.kind != "regex" and p.text]
        self._anchored = [p for p in self._literals if p.kind != "contains"]
        # All contained patterns in one scan: a lookahead alternation, longest first, yields at
        # each position of the name the longest pattern starting there (overlaps included).
        self._contains_forms: dict[str, list[str]] = {}
        for p in self._literals:
            if p.kind == "contains":
                self._contains_forms.setdefault(p.text, []).append(p.form)
        texts = sorted(self._contains_forms, key=lambda t: (-len(t), t))
        self._contains = (re.compile("(?=(" + "|".join(map(re.escape, texts)) + "))")
                          if texts else None)
        self._regexes: list[tuple[str, re.Pattern[str]]] = []
        for p in self.patterns:
            if p.kind == "regex":
                try:
                    self._regexes.append((p.form, re.compile(p.text)))
                except re.error as exc:
                    raise InputError(f"legal form <{p.form}>: kg:nameRegex {p.text!r} is not a valid "
                                     f"regular expression: {exc}") from None
        self._numbers: list[tuple[str, re.Pattern[str]]] = []
        for form, text in number_patterns or []:
            try:
                self._numbers.append((form, re.compile(text)))
            except re.error as exc:
                raise InputError(f"legal form <{form}>: kg:corporateNumberRegex {text!r} is not a "
                                 f"valid regular expression: {exc}") from None
        self._cache: dict[str, str | None] = {}

    @classmethod
    def from_graph(cls, graph: rdflib.Graph) -> LegalFormRecognizer:
        """Read the name patterns of every ``kg:LegalForm`` in ``graph``."""
        patterns: list[NamePattern] = []
        numbers: list[tuple[str, str]] = []
        for form in sorted(set(graph.subjects(RDF.type, KG.LegalForm)), key=str):
            for prop, kind in _LITERAL_KINDS.items():
                for value in graph.objects(form, prop):
                    patterns.append(NamePattern(str(form), kind, normalize_name(str(value))))
            for value in graph.objects(form, KG.nameRegex):
                patterns.append(NamePattern(str(form), "regex", str(value)))
            for value in graph.objects(form, CORPORATE_NUMBER_REGEX):
                numbers.append((str(form), str(value)))
        return cls(sorted(set(patterns), key=lambda p: (p.form, p.kind, p.text)), sorted(set(numbers)))

    @classmethod
    def default(cls) -> LegalFormRecognizer:
        """The recognizer of the shipped ontology (built once, then cached)."""
        return _default()

    def forms(self) -> set[str]:
        """The IRIs of the legal forms that have at least one name pattern."""
        return {p.form for p in self.patterns}

    def recognize(self, name: str | None) -> str | None:
        """The IRI of the legal form ``name`` announces, or None when no pattern matches."""
        if not name:
            return None
        try:
            return self._cache[name]
        except KeyError:
            pass
        result = self._recognize(normalize_name(name))
        if len(self._cache) < 1_000_000:
            self._cache[name] = result
        return result

    def recognize_corporate_number(self, number: str | None) -> str | None:
        """The legal form a corporate number's shape proves (``kg:corporateNumberRegex``), or None."""
        if not number:
            return None
        for form, regex in self._numbers:
            if regex.fullmatch(number):
                return form
        return None

    def explain(self, name: str) -> list[tuple[str, str, str]]:
        """Every literal and regex pattern that matches ``name``: (form, kind, pattern), for debugging."""
        text = normalize_name(name)
        hits = [(p.form, p.kind, p.text) for p in self._literals if _literal_match(p, text) is not None]
        hits += [(form, "regex", rx.pattern) for form, rx in self._regexes if rx.search(text)]
        return hits

    def _recognize(self, text: str) -> str | None:
        if not text:
            return None
        best: _Match | None = None
        for p in self._anchored:
            pos = _literal_match(p, text)
            if pos is None:
                continue
            match = _Match(p.form, len(p.text), True, pos)
            if best is None or match.key() < best.key():
                best = match
        if self._contains is not None:
            for found in self._contains.finditer(text):
                hit = found.group(1)
                for form in self._contains_forms[hit]:
                    match = _Match(form, len(hit), False, found.start())
                    if best is None or match.key() < best.key():
                        best = match
        if best is not None:
            return best.form
        for form, regex in self._regexes:
            found = regex.search(text)
            if found is None:
                continue
            match = _Match(form, found.end() - found.start(), True, found.start())
            if best is None or match.key() < best.key():
                best = match
        return best.form if best is not None else None


def _literal_match(pattern: NamePattern, text: str) -> int | None:
    if pattern.kind == "prefix":
        return 0 if text.startswith(pattern.text) else None
    if pattern.kind == "suffix":
        return len(text) - len(pattern.text) if text.endswith(pattern.text) else None
    pos = text.find(pattern.text)
    return pos if pos >= 0 else None


@lru_cache(maxsize=1)
def _default() -> LegalFormRecognizer:
    from ..ontology import ontology_graph

    return LegalFormRecognizer.from_graph(ontology_graph())
