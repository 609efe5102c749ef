"""Cross-links inside code: find the terms a SPARQL query or a Turtle text mentions.

A text is cut into segments, each either plain text or a mention of a documented term (written
as a prefixed name ``kg:Organization`` under the text's own ``PREFIX``/``@prefix``
declarations, or as a full ``<IRI>``). Templates render the mentions as links and everything
else as escaped text, so the code reads exactly as written and stays clickable.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..namespaces import PREFIXES

_PREFIX_DECL = re.compile(r"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
_MENTION = re.compile(r"<([^<>\s\"{}|^`\\]+)>|(?<![\w:<?$])([A-Za-z][\w-]*)?:([A-Za-z0-9_][\w-]*)")


@dataclass(frozen=True)
class Segment:
    """A piece of code text; ``iri`` and ``href`` are set when it names a documented term."""

    text: str
    iri: str | None = None
    href: str | None = None


def declared_prefixes(text: str) -> dict[str, str]:
    """The prefixes a SPARQL or Turtle text declares, over kgtool's standard ones."""
    prefixes = dict(PREFIXES)
    for m in _PREFIX_DECL.finditer(text):
        prefixes[m.group(1) or ""] = m.group(2)
    return prefixes


def linkify(text: str, href: Callable[[str], str | None]) -> tuple[list[Segment], set[str]]:
    """Segments of ``text`` and the set of documented IRIs it mentions.

    ``href(iri)`` gives the documentation link of a term, or None for an unknown IRI (which then
    stays plain text).
    """
    prefixes = declared_prefixes(text)
    segments: list[Segment] = []
    mentioned: set[str] = set()
    pos = 0
    for m in _MENTION.finditer(text):
        if m.group(1) is not None:
            iri = m.group(1)
        else:
            ns = prefixes.get(m.group(2) or "")
            if ns is None:
                continue
            iri = ns + m.group(3)
        link = href(iri)
        if link is None:
            continue
        if m.start() > pos:
            segments.append(Segment(text[pos:m.start()]))
        segments.append(Segment(m.group(0), iri, link))
        mentioned.add(iri)
        pos = m.end()
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return segments, mentioned
