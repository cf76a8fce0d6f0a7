"""The who-said-what network: speakers and the entities their statements mention.

Nodes are speakers (their canonical entity; a speaker the text names but no entity
resolves, such as "Ukrainian officials", is a node of its own keyed ``speaker:<name>``) and
the entities whose mentions lie inside a statement's content. An edge runs from a speaker
to each entity it mentions, with ``weight`` = how many statements do, ``asserts`` and
``denies`` = how many of those assert or deny, and ``articles`` = in how many articles.
Statements without a named speaker are left out. Written as GEXF (Gephi and most network
tools read it) with ``networkx.write_gexf``.

    from crosscheck.export.network import build_network
    graph = build_network(store, since="2022-04-01")
    graph["PERSON:dmitry peskov"]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from crosscheck.records import normalise_for_key
from crosscheck.store import Store

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["NETWORK_FORMATS", "build_network", "speaker_node", "write_network"]

NETWORK_FORMATS = ("gexf",)


def speaker_node(statement: dict[str, Any]) -> str | None:
    """The node id of a stored statement's speaker: its entity key, else ``speaker:`` and
    its normalised name; None when the statement names no speaker."""
    if statement.get("speaker_key"):
        return str(statement["speaker_key"])
    name = statement.get("speaker_name")
    return f"speaker:{normalise_for_key(name)}" if name else None


def _by_article(store: Store, filters: dict[str, Any]
                ) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each statement with the entity mentions of its article (read once per article:
    statements come grouped by article). The statements are read first: an in-memory
    store has one connection, which a pending read would hold."""
    article: str | None = None
    mentions: list[dict[str, Any]] = []
    for row in list(store.iter_statements(**filters)):
        if row["article_id"] != article:
            article = row["article_id"]
            mentions = store.facts(article)["mentions"]
        yield row, mentions


def build_network(store: Store, *, speaker: str | None = None, side: str | None = None,
                  since: str | None = None, until: str | None = None,
                  article: str | None = None) -> nx.DiGraph:
    """The network of the statements matching the filters (those of
    :meth:`Store.iter_statements`) as a ``networkx.DiGraph``."""
    import networkx as nx

    filters = {"speaker": speaker, "side": side, "since": since, "until": until,
               "article": article}
    spoke: dict[str, int] = defaultdict(int)
    mentioned: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    sides: dict[str, str] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for row, mentions in _by_article(store, filters):
        source = speaker_node(row)
        if source is None:
            continue
        spoke[source] += 1
        names.setdefault(source, row["speaker_name"] or row["speaker_text"] or source)
        if row["speaker_side"]:
            sides.setdefault(source, row["speaker_side"])
        lo, hi = row["content_start"], row["content_end"]
        s_lo, s_hi = row["speaker_start"], row["speaker_end"]
        targets = {m["entity_key"] for m in mentions
                   if lo <= m["start"] and m["end"] <= hi
                   and not (s_lo is not None and m["start"] < s_hi and s_lo < m["end"])}
        targets.discard(source)
        for target in targets:
            mentioned[target] += 1
            edge = edges.setdefault((source, target), {
                "weight": 0, "asserts": 0, "denies": 0, "articles": set()})
            edge["weight"] += 1
            edge["asserts" if row["stance"] == "asserts" else "denies"] += 1
            edge["articles"].add(row["article_id"])

    nodes = set(spoke) | set(mentioned)
    entities = {e["key"]: e for e in store.iter_entities() if e["key"] in nodes}
    graph: nx.DiGraph = nx.DiGraph(name="who said what")
    for node in sorted(nodes):
        entity = entities.get(node)
        attrs: dict[str, Any] = {
            "label": entity["name"] if entity else names.get(node, node),
            "type": entity["type"] if entity else "SPEAKER",
            "entity": entity is not None,
            "statements": spoke.get(node, 0),
            "mentioned_in": mentioned.get(node, 0),
        }
        node_side = (entity["side"] if entity else None) or sides.get(node)
        if node_side:
            attrs["side"] = node_side
        graph.add_node(node, **attrs)
    for (source, target), edge in sorted(edges.items()):
        graph.add_edge(source, target, weight=edge["weight"], asserts=edge["asserts"],
                       denies=edge["denies"], articles=len(edge["articles"]))
    return graph


def write_network(store: Store, out: IO[bytes], fmt: str = "gexf", **filters: Any
                  ) -> tuple[int, int]:
    """Write the network (see :func:`build_network` for ``filters``) to a binary stream;
    return ``(nodes, edges)``."""
    if fmt not in NETWORK_FORMATS:
        raise ValueError(f"unknown network format {fmt!r} ({', '.join(NETWORK_FORMATS)})")
    import networkx as nx

    graph = build_network(store, **filters)
    nx.write_gexf(graph, out)
    out.flush()
    return graph.number_of_nodes(), graph.number_of_edges()
