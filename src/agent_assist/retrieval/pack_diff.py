"""What changed between two versions of a pack, entry by entry and field by field."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from agent_assist.retrieval.pack import ScriptPack


@dataclass(frozen=True, slots=True)
class ItemChange:
    kind: str  # "entry" or "script"
    item_id: str
    change: str  # "added", "removed" or "changed"
    fields: tuple[str, ...] = ()  # the fields that differ, for "changed"


@dataclass(frozen=True, slots=True)
class PackDiff:
    old_version: str
    new_version: str
    manifest_fields: tuple[str, ...]
    items: tuple[ItemChange, ...]

    @property
    def is_empty(self) -> bool:
        return not self.manifest_fields and not self.items

    def lines(self) -> list[str]:
        out = [f"version {self.old_version} → {self.new_version}"]
        if self.manifest_fields:
            out.append(f"~ manifest: {', '.join(self.manifest_fields)}")
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for item in self.items:
            detail = f" ({', '.join(item.fields)})" if item.fields else ""
            out.append(f"{marks[item.change]} {item.kind} {item.item_id}{detail}")
        return out


def diff_packs(old: ScriptPack, new: ScriptPack) -> PackDiff:
    items = _diff_items("entry", old.entries, new.entries)
    items += _diff_items("script", old.scripts, new.scripts)
    return PackDiff(
        old_version=old.manifest.version,
        new_version=new.manifest.version,
        manifest_fields=_changed_fields(old.manifest, new.manifest),
        items=tuple(items),
    )


def _diff_items(kind: str, old: tuple, new: tuple) -> list[ItemChange]:  # type: ignore[type-arg]
    before = {item.id: item for item in old}
    after = {item.id: item for item in new}
    changes = [ItemChange(kind, i, "removed") for i in before if i not in after]
    for item_id, item in after.items():
        if item_id not in before:
            changes.append(ItemChange(kind, item_id, "added"))
        elif fields := _changed_fields(before[item_id], item):
            changes.append(ItemChange(kind, item_id, "changed", fields))
    return changes


def _changed_fields(a: BaseModel, b: BaseModel) -> tuple[str, ...]:
    left, right = a.model_dump(), b.model_dump()
    return tuple(name for name in left if left[name] != right.get(name))
