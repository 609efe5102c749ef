"""Geometry of the two pictures: Pestoff's welfare triangle and the class diagram of the core.

Both are computed here from the ontology (which sectors exist, which legal form sits in which,
which classes and properties the core module declares) and drawn as inline SVG by the
templates (``_diagrams.html``); nothing is fetched.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import URIRef

from ..namespaces import KG
from .model import OntologyModel, Token

Point = tuple[float, float]

# The triangle: state at the top, market bottom left, community bottom right; the third sector
# is the inverted triangle in the middle (Pestoff 1992, as in Imamura 2012).
_W, _H = 760.0, 640.0
_TOP: Point = (_W / 2, 36.0)
_LEFT: Point = (30.0, _H - 40.0)
_RIGHT: Point = (_W - 30.0, _H - 40.0)


def _mid(a: Point, b: Point) -> Point:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def _angle(a: Point, b: Point) -> float:
    """Direction of the segment from ``a`` to ``b`` in degrees (SVG rotation)."""
    return round(math.degrees(math.atan2(b[1] - a[1], b[0] - a[0])), 1)


def _inside(p: Point, poly: list[Point], margin: float) -> bool:
    """Whether ``p`` lies inside the convex polygon ``poly`` at least ``margin`` from each edge."""
    n = len(poly)
    area = sum(poly[i][0] * poly[(i + 1) % n][1] - poly[(i + 1) % n][0] * poly[i][1] for i in range(n))
    sign = 1 if area > 0 else -1
    for i in range(n):
        (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % n]
        edge = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        cross = (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1)
        if sign * cross / edge < margin:
            return False
    return True


def _centroid(poly: list[Point]) -> Point:
    return (sum(p[0] for p in poly) / len(poly), sum(p[1] for p in poly) / len(poly))


@dataclass
class Region:
    """One sector's area of the triangle and the legal forms placed in it."""

    sector: Token
    points: str
    label_at: Point
    css: str
    dots: list[dict] = field(default_factory=list)


@dataclass
class Triangle:
    """Everything the triangle template draws."""

    width: float
    height: float
    outline: str
    regions: list[Region]
    dividers: list[dict]
    unplaced: list[dict]
    legend: list[dict]


def welfare_triangle(model: OntologyModel, forms: list[dict]) -> Triangle:
    """Sectors as regions of the triangle and each legal form as a numbered dot in its sector."""
    m_left, m_right, m_bottom = _mid(_TOP, _LEFT), _mid(_TOP, _RIGHT), _mid(_LEFT, _RIGHT)
    shapes = {
        str(KG.State): ([_TOP, m_left, m_right], "state", (_TOP[0], _TOP[1] + 70)),
        str(KG.Market): ([_LEFT, m_bottom, m_left], "market", (_LEFT[0] + 95, _LEFT[1] - 18)),
        str(KG.Community): ([_RIGHT, m_right, m_bottom], "community", (_RIGHT[0] - 95, _RIGHT[1] - 18)),
        str(KG.ThirdSector): ([m_left, m_right, m_bottom], "third", (_TOP[0], m_left[1] + 26)),
    }
    regions: dict[str, Region] = {}
    for iri, (poly, css, label_at) in shapes.items():
        regions[iri] = Region(sector=model.token(URIRef(iri)), css=css, label_at=label_at,
                              points=" ".join(f"{x:.1f},{y:.1f}" for x, y in poly))
    legend, unplaced = [], []
    by_sector: dict[str, list[dict]] = {}
    for number, form in enumerate(forms, 1):
        entry = {"number": number, "token": form["token"], "sector": form["sector"]}
        legend.append(entry)
        if form["sector_iri"] in regions:
            by_sector.setdefault(form["sector_iri"], []).append(entry)
        else:
            unplaced.append(entry)
    for iri, entries in by_sector.items():
        poly, _, label_at = shapes[iri]
        spots = _spots(poly, len(entries), avoid=label_at)
        for entry, (x, y) in zip(entries, spots):
            regions[iri].dots.append({**entry, "x": round(x, 1), "y": round(y, 1)})
        for entry in entries[len(spots):]:
            unplaced.append(entry)
    dividers = [
        {"a": m_left, "b": m_right, "key": "public-private", "at": (_TOP[0], m_left[1] - 6), "angle": 0},
        {"a": m_left, "b": m_bottom, "key": "profit-nonprofit", "at": _mid(m_left, m_bottom), "angle": _angle(m_left, m_bottom)},
        {"a": m_right, "b": m_bottom, "key": "formal-informal", "at": _mid(m_right, m_bottom), "angle": _angle(m_bottom, m_right)},
    ]
    return Triangle(width=_W, height=_H, regions=list(regions.values()),
                    outline=" ".join(f"{x:.1f},{y:.1f}" for x, y in (_TOP, _LEFT, _RIGHT)),
                    dividers=dividers, unplaced=unplaced, legend=legend)


def _spots(poly: list[Point], n: int, *, avoid: Point, step: float = 27.0) -> list[Point]:
    """``n`` grid points inside ``poly``, nearest its centroid first, clear of the label."""
    if n == 0:
        return []
    while step >= 12:
        xs = [p[0] for p in poly]
        ys = [p[1] for p in poly]
        grid = [(x0 + i * step, y0 + j * step)
                for x0, y0 in [(min(xs), min(ys))]
                for i in range(int((max(xs) - min(xs)) / step) + 1)
                for j in range(int((max(ys) - min(ys)) / step) + 1)]
        inside = [p for p in grid if _inside(p, poly, 13)
                  and not (abs(p[0] - avoid[0]) < 70 and abs(p[1] - avoid[1]) < 22)]
        if len(inside) >= n:
            cx, cy = _centroid(poly)
            inside.sort(key=lambda p: ((p[0] - cx) ** 2 + (p[1] - cy) ** 2, p))
            return sorted(inside[:n], key=lambda p: (p[1], p[0]))
        step -= 3
    return []


# ---------------------------------------------------------------------------------------
# Class diagram of the core module
# ---------------------------------------------------------------------------------------
_BOX_W, _BOX_H, _SLOT, _LEVEL, _ROW_SLOTS = 150.0, 46.0, 170.0, 92.0, 5


@dataclass
class ClassDiagram:
    """Boxes (classes), subclass edges and property edges, with their coordinates."""

    width: float
    height: float
    boxes: list[dict]
    subclass_edges: list[dict]
    property_edges: list[dict]


def class_diagram(model: OntologyModel, module_file: str = "core.ttl") -> ClassDiagram:
    """The classes the core module declares (and the ranges of its object properties), as
    subclass trees laid out in rows, with each object property drawn from domain to range."""
    g = model.graph
    module = model.module_graphs.get(module_file)
    if module is None:
        return ClassDiagram(0, 0, [], [], [])
    classes = {s for s in module.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
    properties = sorted(s for s in module.subjects(RDF.type, OWL.ObjectProperty) if isinstance(s, URIRef))
    edges = []
    for prop in properties:
        for domain in g.objects(prop, RDFS.domain):
            for rng in g.objects(prop, RDFS.range):
                if isinstance(domain, URIRef) and isinstance(rng, URIRef) and str(rng) in model.terms \
                        and model.terms[str(rng)].kind == "class":
                    classes |= {domain, rng}
                    edges.append((prop, domain, rng))
    parent = {}
    for c in classes:
        sups = sorted(s for s in g.objects(c, RDFS.subClassOf) if s in classes)
        if sups:
            parent[c] = sups[0]
    children: dict[URIRef, list[URIRef]] = {}
    for c, p in parent.items():
        children.setdefault(p, []).append(c)
    for kids in children.values():
        kids.sort()
    degree = {c: sum(1 for _, d, r in edges if c in (d, r)) for c in classes}
    linked: dict[URIRef, set[URIRef]] = {c: set() for c in classes}
    for _, d, r in edges:
        linked[d].add(r)
        linked[r].add(d)

    def tree_of(c: URIRef) -> set[URIRef]:
        return {c}.union(*(tree_of(k) for k in children.get(c, [])))

    def leaves(c: URIRef) -> int:
        return max(1, sum(leaves(k) for k in children.get(c, [])))

    def depth(c: URIRef) -> int:
        return 1 + max((depth(k) for k in children.get(c, [])), default=0)

    def ties(a: set[URIRef], b: set[URIRef]) -> int:
        return sum(len(linked[x] & b) for x in a)

    # roots greedily: the best-connected first, then whichever is most tied to those placed
    remaining = sorted((c for c in classes if c not in parent), key=str)
    roots: list[URIRef] = []
    placed: set[URIRef] = set()
    while remaining:
        best = max(remaining, key=lambda c: (ties(tree_of(c), placed), ties(tree_of(c), set(classes)), -remaining.index(c)))
        roots.append(best)
        remaining.remove(best)
        placed |= tree_of(best)
    # pack root trees into rows of at most _ROW_SLOTS leaf slots
    rows: list[list[URIRef]] = [[]]
    used = 0
    for root in roots:
        if used and used + leaves(root) > _ROW_SLOTS:
            rows.append([])
            used = 0
        rows[-1].append(root)
        used += leaves(root)

    def place_row(row: tuple[URIRef, ...], y0: float) -> dict[URIRef, tuple[float, float]]:
        out: dict[URIRef, tuple[float, float]] = {}
        slot = 0

        def place(c: URIRef, level: int) -> float:
            nonlocal slot
            kids = children.get(c, [])
            if kids:
                xs = [place(k, level + 1) for k in kids]
                x = (xs[0] + xs[-1]) / 2
            else:
                x = 20 + slot * _SLOT + _BOX_W / 2
                slot += 1
            out[c] = (x, y0 + level * _LEVEL)
            return x

        for root in row:
            place(root, 0)
        return out

    pos: dict[URIRef, tuple[float, float]] = {}
    y0 = 20.0
    for row in rows:
        # the order of the row's trees that keeps linked boxes closest (rows are small)
        candidates = itertools.permutations(row) if len(row) <= 6 else [tuple(row)]

        def cost(order: tuple[URIRef, ...]) -> float:
            trial = {**pos, **place_row(order, y0)}
            return sum(abs(trial[d][0] - trial[r][0]) for _, d, r in edges if d in trial and r in trial)

        pos.update(place_row(min(candidates, key=cost), y0))
        y0 += max(depth(r) for r in row) * _LEVEL + 40
    width = max(x for x, _ in pos.values()) + _BOX_W / 2 + 60 if pos else 0
    boxes = [{"token": model.token(c), "x": x - _BOX_W / 2, "y": y, "w": _BOX_W, "h": _BOX_H,
              "cx": x, "cy": y + _BOX_H / 2} for c, (x, y) in sorted(pos.items())]
    subclass_edges = [{"x1": pos[c][0], "y1": pos[c][1], "x2": pos[p][0], "y2": pos[p][1] + _BOX_H}
                      for c, p in sorted(parent.items())]
    property_edges = []
    seen_pairs: dict[frozenset, int] = {}
    for prop, d, r in edges:
        nth = seen_pairs.get(frozenset((d, r)), 0)
        seen_pairs[frozenset((d, r))] = nth + 1
        (x1, y1), (x2, y2) = pos[d], pos[r]
        y1, y2 = y1 + _BOX_H / 2, y2 + _BOX_H / 2
        if d == r:
            # a loop on the right side of the box
            x = x1 + _BOX_W / 2
            reach = 36 + 22 * nth
            path = (f"M{x:.1f},{y1 - 12:.1f} C{x + reach:.1f},{y1 - 40:.1f} "
                    f"{x + reach:.1f},{y1 + 40:.1f} {x:.1f},{y1 + 12:.1f}")
            label = (x + reach * 0.75 + 4, y1 - 22 - 12 * nth)
        else:
            sx, sy = _border((x1, y1), (x2, y2))
            ex, ey = _border((x2, y2), (x1, y1))
            mx, my = (sx + ex) / 2, (sy + ey) / 2
            # bow the edge sideways so it does not lie on a subclass line
            dx, dy = ex - sx, ey - sy
            length = max((dx * dx + dy * dy) ** 0.5, 1)
            bow = 24 * (1 + nth) * (1 if nth % 2 == 0 else -1)
            bx, by = mx - dy / length * bow, my + dx / length * bow
            path = f"M{sx:.1f},{sy:.1f} Q{bx:.1f},{by:.1f} {ex:.1f},{ey:.1f}"
            label = ((sx + 2 * bx + ex) / 4, (sy + 2 * by + ey) / 4)
        property_edges.append({"token": model.token(prop), "path": path,
                               "lx": round(label[0], 1), "ly": round(label[1], 1)})
    height = max((y for _, y in pos.values()), default=0) + _BOX_H + 30
    return ClassDiagram(width=max(width, 400), height=height, boxes=boxes,
                        subclass_edges=subclass_edges, property_edges=property_edges)


def _border(a: Point, b: Point) -> Point:
    """Where the segment from the centre ``a`` towards ``b`` leaves the box around ``a``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return a
    scale = min((_BOX_W / 2) / abs(dx) if dx else float("inf"), (_BOX_H / 2) / abs(dy) if dy else float("inf"))
    return (a[0] + dx * scale, a[1] + dy * scale)
