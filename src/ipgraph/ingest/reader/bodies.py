"""The body registry: written names → the names the graph uses.

Rules, each driven by a table in ``data/vocab/bodies.toml`` (and a user's ``bodies.toml``
next to their sources): names across eras (知识产权局 → 国家知识产权局), a prefix carried
over in a list (省信用办、知识产权局 → 省知识产权局), names relative to the issuer
(市知识产权局 of a Tianjin document → 天津市知识产权局), dual names (市科技局（知识产权局）),
short court names (省法院 → 省高级人民法院), and classes of bodies (各地区, 有关成员单位).
A name none of these rules knows is returned with ``known=False``: the reader warns.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ipgraph import paths
from ipgraph.errors import SourceError

REGISTRY = paths.VOCAB_DIR / "bodies.toml"
USER_FILE = "bodies.toml"
# Prefixes a list lends to the names after it (专利局审查部、自动化部).
OFFICES = ("专利局", "商标局")
CARRIED = ("省", "市", *OFFICES)
NOT_CARRIED = ("省", "市", "国家", "中央", "各", "全国", "最高", "专利局", "商标局", "国务院", "联席会议")
DUAL = re.compile(r"^(?P<name>.+?)（(?P<also>[^（）]+)）$")
# Within one document a short form names the same body as the long one (市市场监管局 = 市市场监督管理局).
SHORT_FORMS = {"市场监督管理局": "市场监管局"}


@dataclass(frozen=True)
class Region:
    """Where a document's relative names (省…, 市…) point."""

    province: str | None = None  # 江西省, 天津市 (a municipality is its own province)
    city: str | None = None  # 金华市, 天津市


@dataclass(frozen=True)
class Resolved:
    name: str
    written: str
    generic: bool
    known: bool
    also: str | None
    open_list: bool = False  # a class that leaves the list open (联席会议有关成员单位)


@dataclass
class Registry:
    aliases: dict[str, str] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)
    suffixes: tuple[str, ...] = ()
    courts: dict[str, str] = field(default_factory=dict)
    generic: list[re.Pattern[str]] = field(default_factory=list)
    known_prefixes: tuple[str, ...] = ()

    @classmethod
    def load(cls, *extra: Path) -> Registry:
        registry = cls()
        for path in (REGISTRY, *extra):
            if path.is_file():
                registry.add(path)
        return registry

    def add(self, path: Path) -> None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(str(path), f"invalid body registry: {exc}") from None
        self.aliases.update(data.get("aliases", {}))
        self.known.update(data.get("known", {}).get("names", []))
        self.known_prefixes += tuple(data.get("known", {}).get("prefixes", []))
        self.known.update(self.aliases.values())
        local = data.get("local", {})
        self.suffixes = tuple(dict.fromkeys((*self.suffixes, *local.get("suffixes", []))))
        self.courts.update(local.get("courts", {}))
        self.generic.extend(re.compile(p) for p in data.get("generic", {}).get("patterns", []))

    def is_generic(self, name: str) -> bool:
        return any(p.fullmatch(name) for p in self.generic)

    def resolve(self, written: str, region: Region, carried: str = "") -> Resolved:
        """Resolve one written name; ``carried`` is the prefix the previous name of its list lends."""
        name = written.strip()
        if carried in OFFICES and name.endswith("司"):
            carried = ""  # a 司 is CNIPA's own department, not an office's
        if carried and not name.startswith(NOT_CARRIED) and not self.is_generic(name) and not self._whole(name):
            name = carried + name
        if self.is_generic(name):
            return Resolved(name, written, True, True, None, open_list="有关" in name)
        also = None
        if m := DUAL.match(name):
            name, also = m["name"], m["also"]
        name = self._absolute(self.aliases.get(name, name), region)
        if also:
            if not also.startswith(("省", "市")) and _region_prefix(name):
                also = _region_prefix(name) + also
            also = self._absolute(also, region)
        if "\ufffd" in written:
            return Resolved(written, written, False, False, None)
        return Resolved(name, written, False, self._is_known(name, region), also)

    def _whole(self, name: str) -> bool:
        """A name that needs no prefix: a known body, or one starting with a known body's name (人民银行济南分行)."""
        return name in self.known or any(name.startswith(k) for k in self.known if len(k) >= 4)

    def carried_prefix(self, name: str) -> str:
        """The prefix a name lends to the next names of its list (省信用办、知识产权局 → 省知识产权局)."""
        if name in self.known or name in self.aliases:
            return ""
        return next((p for p in CARRIED if name.startswith(p) and name != p), "")

    def _absolute(self, name: str, region: Region) -> str:
        if name in self.known:
            return name
        if name.startswith("省") and region.province:
            name = region.province + name[1:]
        elif name.startswith("市") and region.city:
            name = region.city + name[1:]
        for short, full in self.courts.items():
            if name.endswith(short) and "人民" not in name and not name.endswith("最高人民法院"):
                name = name[: -len(short)] + full
                break
        return name

    def _is_known(self, name: str, region: Region) -> bool:
        if name in self.known or name.startswith(self.known_prefixes):
            return True
        regional = any(r and name.startswith(r) for r in (region.province, region.city)) or bool(
            re.match(r"^[\u4e00-\u9fff]{2,8}?[省市]", name)
        )
        return (regional or "分行" in name or name.endswith("海关")) and name.endswith(self.suffixes)


def _region_prefix(name: str) -> str:
    m = re.match(r"^(.{2,8}?[省市])", name)
    return m[1] if m else ""


def unify_short_forms(names: list[str]) -> dict[str, str]:
    """Short names → the long names of the same body seen in the same document."""
    seen = set(names)
    out = {}
    for name in seen:
        for full, short in SHORT_FORMS.items():
            if name.endswith(short):
                long = name[: -len(short)] + full
                if long in seen:
                    out[name] = long
    return out
