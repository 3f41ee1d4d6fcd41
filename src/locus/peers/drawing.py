"""A map drawn by the server as SVG: for a meeting pack, for printing the page, and for a
browser without JavaScript. It uses the coordinates the screen uses (MapData.positions),
so what is printed is what was on screen, and the labels the server already decided the
viewer may see (names or initials): nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass

from locus.peers.maps import FONT_PX, NODE_PX, MapData, NodeKind

MARGIN = 40.0
LINE_PX = FONT_PX * 1.25

# The stroke of each nature: colour AND dash, as on screen and in the key.
EDGE_STYLE = {
    "protective": ("#00703c", 4.0, ""),
    "risk": ("#d4351c", 4.0, "9 5"),
    "unclear": ("#505a5f", 3.0, "2 4"),
}
LINK_STYLE = ("#8e9194", 1.5, "")


@dataclass(frozen=True)
class DrawnNode:
    x: float
    y: float
    shape: str  # circle | diamond | rect | hexagon
    fill: str
    stroke: str
    double: bool  # open to social care: a second, inner outline
    dashed: bool  # a peer not yet known to Locus, or a sub-group of a large group
    lines: list[tuple[float, str]]  # each label line's baseline and text

    inner_radius = NODE_PX / 2 - 5

    @property
    def box_x(self) -> float:
        return round(self.x - 16, 1)

    @property
    def box_y(self) -> float:
        return round(self.y - 11, 1)

    @property
    def points(self) -> str:
        r = NODE_PX / 2
        x, y = self.x, self.y
        if self.shape == "diamond":
            corners = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        else:  # hexagon
            corners = [
                (x - r / 2, y - r),
                (x + r / 2, y - r),
                (x + r, y),
                (x + r / 2, y + r),
                (x - r / 2, y + r),
                (x - r, y),
            ]
        return " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)


@dataclass(frozen=True)
class DrawnEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float
    dash: str


@dataclass(frozen=True)
class Drawing:
    view_box: str
    width: float
    height: float
    nodes: list[DrawnNode]
    edges: list[DrawnEdge]
    header: list[tuple[float, float, str]]  # title, date, who printed it: x, baseline, text
    radius: float = NODE_PX / 2
    font_px: int = FONT_PX


def _node(kind: str, classes: list[str], x: float, y: float, lines: list[str]) -> DrawnNode:
    if kind == NodeKind.CLUSTER:
        shape, fill, stroke = "circle", "#f3f2f1", "#1d70b8"
    elif kind == NodeKind.PLACE:
        shape, fill, stroke = "rect", "#f3f2f1", "#505a5f"
    elif kind == NodeKind.GROUP or "group" in classes:
        shape, fill, stroke = "hexagon", "#d2e2f1", "#1d70b8"
    elif "youth-justice" in classes:
        shape, fill, stroke = "diamond", "#ffffff", "#0b0c0c"
    else:
        shape, fill, stroke = "circle", "#ffffff", "#0b0c0c"
    if kind == NodeKind.CENTRE and shape == "circle":
        fill = "#1d70b8"
    first = y + NODE_PX / 2 + 4 + FONT_PX
    return DrawnNode(
        x=x,
        y=y,
        shape=shape,
        fill=fill,
        stroke=stroke,
        double="social-care" in classes,
        dashed=kind in (NodeKind.UNKNOWN, NodeKind.CLUSTER),
        lines=[(round(first + i * LINE_PX, 1), text) for i, text in enumerate(lines)],
    )


def drawing(data: MapData, header: list[str] | None = None) -> Drawing:
    """The map as shapes and lines, in a view box that holds every label, with the
    ``header`` lines (for a file that leaves Locus on its own) written above it."""
    at = data.positions()
    nodes = [_node(n.kind, n.classes, *at[n.key], n.lines) for n in data.drawn_nodes]
    edges = []
    for e in data.drawn_edges:
        colour, width, dash = EDGE_STYLE.get(e.nature, LINK_STYLE)
        (x1, y1), (x2, y2) = at[e.source], at[e.target]
        edges.append(DrawnEdge(x1, y1, x2, y2, colour, width, dash))
    half = [len(line) * FONT_PX * 0.31 for n in data.drawn_nodes for line in n.lines] or [0.0]
    xs = [n.x for n in nodes] or [0.0]
    ys = [n.y for n in nodes] or [0.0]
    bottom = max((line[0] for n in nodes for line in n.lines), default=0.0)
    left = min(xs) - max(max(half), NODE_PX) - MARGIN
    right = max(xs) + max(max(half), NODE_PX) + MARGIN
    top = min(ys) - NODE_PX - MARGIN
    low = max(bottom, max(ys)) + MARGIN
    heading = [
        (round(left + MARGIN / 2, 1), round(top + (i + 1) * LINE_PX * 1.2, 1), text)
        for i, text in enumerate(header or [])
    ]
    top -= len(heading) * LINE_PX * 1.2 + (MARGIN / 2 if heading else 0)
    heading = [(x, y - (len(heading) * LINE_PX * 1.2 + MARGIN / 2), t) for x, y, t in heading]
    # The header is written from the left edge: widen the box to hold its longest line.
    right = max(
        right, left + MARGIN + max((len(t) for t in header or []), default=0) * FONT_PX * 0.62
    )
    width, height = right - left, low - top
    return Drawing(
        header=heading,
        view_box=f"{left:.0f} {top:.0f} {width:.0f} {height:.0f}",
        width=round(width),
        height=round(height),
        nodes=nodes,
        edges=edges,
    )
