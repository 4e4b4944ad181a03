"""The codebook as YAML, both ways: reading a file into a validated `Codebook` with errors that name
line and key, and writing one (drafts included) that reads back unchanged.

The schema lives in `barometer.codebook`, which re-exports `load_codebook`, `parse_codebook` and
`CodebookError`; it is imported here only when a codebook is validated, so neither module needs the
other to be loaded first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

if TYPE_CHECKING:
    from barometer.codebook import Codebook


class CodebookError(ValueError):
    """A codebook that cannot be used; the message names the file, line and key."""


# -- reading ----------------------------------------------------------------------------------------


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file; raise `CodebookError` naming line and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read the codebook ({exc.strerror})") from None
    return parse_codebook(text, source_name=str(path))


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (about 8x faster on the shipped codebook)."""


def parse_codebook(text: str, source_name: str = "codebook.yaml") -> Codebook:
    """Validate codebook YAML text; raise `CodebookError` naming `source_name`, line and key."""
    from pydantic import ValidationError

    from barometer.codebook import Codebook

    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise CodebookError(f"{source_name}, {where}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise CodebookError(f"{source_name}: expected a mapping at the top level")
    try:
        return Codebook.model_validate(raw)
    except ValidationError as exc:
        node = yaml.compose(text, Loader=_YAML_LOADER)  # only now: for the lines of the errors
        messages = []
        for err in exc.errors():
            loc = _readable_loc(raw, err["loc"])
            line = _line_of(node, err["loc"])
            where = f"line {line}, " if line else ""
            messages.append(f"{source_name}, {where}{loc}: {_expected(err)}")
        raise CodebookError("\n".join(messages)) from None


def _expected(err: Mapping[str, Any]) -> str:
    msg = err["msg"]
    if err["type"] == "missing":
        return "this key is required but missing"
    if err["type"] == "extra_forbidden":
        return "unknown key (check its spelling)"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return f"{msg} (got {err.get('input')!r:.80})" if err["type"] != "value_error" else msg


def _readable_loc(raw: Any, loc: tuple) -> str:
    """Turn a pydantic location into a dotted key path, naming list items by their id."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            item = node[key]
            ident = item.get("id") if isinstance(item, dict) else None
            parts.append(str(ident) if ident else f"[{key}]")
            node = item
        elif isinstance(node, dict) and key in node:
            parts.append(str(key))
            node = node[key]
        elif isinstance(key, str) and not key.startswith(("function-", "int", "str", "float")):
            parts.append(key)
            node = None
    return ".".join(parts) or "(top level)"


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """The 1-based YAML line of the deepest node that `loc` reaches."""
    line = None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if str(k.value) == str(key):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    if node is not None:
        line = node.start_mark.line + 1 if line is None else line
    return line


# -- writing ----------------------------------------------------------------------------------------


def _plain_data(value: Any) -> Any:
    """model_dump output -> YAML-safe data: tuples as lists, numpy scalars as Python, one-language
    texts as plain strings."""
    if isinstance(value, dict):
        if set(value) == {"en"}:
            return value["en"]
        return {_plain_data(k) if not isinstance(k, str) else k: _plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_data(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _relative_if_inside(file: Path, folder: Path) -> str:
    """`file` relative to `folder` when it lies inside it (the usual data/ layout), else absolute."""
    file, folder = file.resolve(), folder.resolve()
    return file.relative_to(folder).as_posix() if file.is_relative_to(folder) else str(file)


def codebook_yaml(codebook: Codebook, notes: Sequence[str] = (), *, relative_to: Path | None = None) -> str:
    """The codebook as YAML that `load_codebook` reads back unchanged; notes become comments.
    Source file paths are written relative to `relative_to` (the YAML's folder) when given."""
    if relative_to is not None:
        sources = tuple(
            s.model_copy(update={"file": _relative_if_inside(Path(s.file), Path(relative_to))})
            for s in codebook.sources
        )
        codebook = codebook.model_copy(update={"sources": sources})
    data = _plain_data(codebook.model_dump(mode="python", by_alias=True, exclude_defaults=True))
    header = ["# Drafted by `barometer codebook init`. Check these guesses, then edit freely:"]
    header += [f"# - {' '.join(n.split())}" for n in notes] or ["# (nothing to report)"]
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return "\n".join(header) + "\n" + body


def write_codebook(codebook: Codebook, path: Path, notes: Sequence[str] = ()) -> Path:
    """Write `codebook` as YAML to `path` (source files relative to its folder)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(codebook_yaml(codebook, notes, relative_to=path.resolve().parent), encoding="utf-8")
    return path
