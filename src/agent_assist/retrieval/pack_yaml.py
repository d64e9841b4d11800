"""YAML that team leads write, read safely: bounded nesting and aliases, and every error with
its line. Pack files and their line numbers in validation problems come from here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

# libyaml's parser where PyYAML was built with it: ten times faster on a 10,000-entry pack.
# Its composer is not used: it recurses in C without a limit, and a file nested 100,000
# levels deep crashed the process. PyYAML's composer costs a quarter more and can be bounded.
if yaml.__with_libyaml__:
    from yaml.cyaml import CParser as _Parser
else:  # pragma: no cover - PyYAML wheels ship libyaml

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)


# The sample pack nests 5 levels deep; libyaml slows down quadratically with flow nesting.
MAX_YAML_NESTING = 32
# Aliases may repeat this many nodes in all: "billion laughs" expand a few lines into
# billions of values, which validation (and merge keys, at construction) would walk.
MAX_ALIAS_REPEATED_NODES = 100_000
# PyYAML's own constructors raise these for scalars such as 2024-02-30 or !!int abc.
_SCALAR_CONVERSION_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


class _PackYamlLoader(Composer, _Parser, SafeConstructor, Resolver):
    """A safe YAML loader that refuses deep nesting, alias bombs and unconvertible scalars
    with an error carrying the line, rather than crashing or hanging."""

    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self._depth >= MAX_YAML_NESTING:
            mark = self.peek_event().start_mark
            raise ComposerError(None, None, f"nested over {MAX_YAML_NESTING} levels deep", mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except _SCALAR_CONVERSION_ERRORS as exc:
            kind = str(node.tag).rpartition(":")[2]
            value = node.value if isinstance(node.value, str) else ""
            reason = f": {exc}" if isinstance(exc, ValueError) else ""
            problem = f"{_clip(value)!r} is not a valid {kind}{reason}"
            raise ConstructorError(None, None, problem, node.start_mark) from None


def parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for line numbers in errors) and the data built from it."""
    loader = _PackYamlLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check_aliases(root)
        return root, loader.construct_document(root)
    finally:
        loader.dispose()


def _check_aliases(root: yaml.Node) -> None:
    """Refuse an alias inside its own anchor, and aliases that repeat too much."""
    sizes: dict[yaml.Node, int] = {}  # nodes with aliases expanded; 0 while being counted

    # Recursion stays within MAX_YAML_NESTING: an anchor is counted where it is written,
    # before any alias to it, so an alias only looks its size up.
    def expanded_size(node: yaml.Node) -> int:
        sizes[node] = 0
        children = node.value if isinstance(node, yaml.SequenceNode) else []
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        total = 1
        for child in children:
            if sizes.get(child) == 0:
                raise ComposerError(
                    None, None, "an alias refers to a node that contains it", child.start_mark
                )
            total += sizes.get(child) or expanded_size(child)
        sizes[node] = total
        return total

    if expanded_size(root) - len(sizes) > MAX_ALIAS_REPEATED_NODES:
        raise ComposerError(
            None,
            None,
            f"aliases repeat over {MAX_ALIAS_REPEATED_NODES:,} values; write them out",
            root.start_mark,
        )


def _clip(text: str, max_chars: int = 40) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def line_at(node: yaml.Node | None, loc: Sequence[Any]) -> int:
    """1-based line of the deepest YAML node on ``loc`` that exists (for a mapping's last
    key, the key's own line: a block list under it starts a line later)."""
    if node is None:
        return 1
    for depth, part in enumerate(loc, 1):
        child = None
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            child = pair and (pair[0] if depth == len(loc) else pair[1])
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1
