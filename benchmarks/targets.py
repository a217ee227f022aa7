"""The targets the issues set, as data, and whether a figure meets its target.

Targets are stated for SQLite; on other backends the figures are reported with their
ratios to Core but not marked. Where they come from:

- issue #7 §3, at 100,000 articles: ingest ≥ 0.8x Core (sanitizing, slugging and
  search indexing included); get by slug ≤ 150 µs and ≤ 1.5x Core; tag listing ≤ 1 ms
  for page 1 and page 50 (also applied to the locale listings, which must stay flat the
  same way); related ≤ 10 ms; search ≤ 10 ms; peak RSS of the ingest ≤ 200 MB;
- issue #5: search median ≤ 20 ms and ≤ 1.3x Core; related median ≤ 15 ms and ≤ 1.3x
  Core. Together with #7 a search or related figure carries the stricter combined
  bound: ≤ 10 ms (#7) and ≤ 1.3x Core (#5); the text names both issues;
- issue #3: import of legacy pages ≥ 500 pages/s and ≥ 0.7x Core;
- issue #4, at 1,000,000 articles: the sitemap ≥ 50,000 URLs/s and ≤ 150 MB peak RSS.

A figure is matched by the first target whose pattern fits its id. Figures without a
target (the per-request get, update with re-slug, the feed) are reported only.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.harness import Figure

__all__ = ["TARGETS", "Target", "target_for"]


@dataclass(frozen=True, slots=True)
class Target:
    """A bound on a figure's newscms median (in the figure's unit) and/or its ratio to Core."""

    figures: str
    """Figure ids it applies to (a shell pattern)."""
    text: str
    source: str
    at_most: float | None = None
    at_least: float | None = None
    ratio_at_most: float | None = None
    ratio_at_least: float | None = None
    backends: tuple[str, ...] = ("sqlite",)

    def met(self, figure: Figure) -> bool:
        """Whether ``figure`` meets every bound of this target."""
        value, ratio = figure.newscms.median, figure.ratio
        return all(
            (
                self.at_most is None or value <= self.at_most,
                self.at_least is None or value >= self.at_least,
                self.ratio_at_most is None or ratio <= self.ratio_at_most,
                self.ratio_at_least is None or ratio >= self.ratio_at_least,
            )
        )


TARGETS: tuple[Target, ...] = (
    Target("ingest", "≥ 0.8x Core (#7)", "#7", ratio_at_least=0.8),
    Target("ingest.rss", "≤ 200 MB (#7)", "#7", at_most=200.0),
    Target("get.slug", "≤ 150 µs, ≤ 1.5x Core (#7)", "#7", at_most=150.0, ratio_at_most=1.5),
    Target("listing.tag.*", "≤ 1 ms (#7)", "#7", at_most=1.0),
    Target(
        "listing.locale.*", "≤ 1 ms (#7)", "#7 (tag-listing bound; listings stay flat)", at_most=1.0
    ),
    Target("listing.teasers.*", "≤ 1 ms (#15)", "#15: any listing of 20 ≤ 1 ms", at_most=1.0),
    Target(
        "disk.content",
        "≤ 1.5x Core (#15)",
        "#15: on disk ≤ 1.5x the same articles and search index",
        ratio_at_most=1.5,
    ),
    Target(
        "search.*",
        "≤ 10 ms (#7; #5: 20 ms), ≤ 1.3x Core (#5)",
        "#7: search ≤ 10 ms; #5: search median ≤ 20 ms and ≤ 1.3x Core",
        at_most=10.0,
        ratio_at_most=1.3,
    ),
    Target(
        "related",
        "≤ 10 ms (#7; #5: 15 ms), ≤ 1.3x Core (#5)",
        "#7: related ≤ 10 ms; #5: related median ≤ 15 ms and ≤ 1.3x Core",
        at_most=10.0,
        ratio_at_most=1.3,
    ),
    Target(
        "import.legacy",
        "≥ 500 pages/s, ≥ 0.7x Core (#3)",
        "#3",
        at_least=500.0,
        ratio_at_least=0.7,
    ),
    Target(
        "archive.import",
        "≥ 1,000 pages/s on SQLite into 100,000 articles (#12)",
        "#12 (10,000 pages into an archive of 100,000 articles)",
        at_least=1000.0,
    ),
    Target("sitemap", "≥ 50,000 URLs/s (#4, 1M)", "#4 (at 1,000,000 articles)", at_least=50_000.0),
    Target("sitemap.rss", "≤ 150 MB (#4, 1M)", "#4 (at 1,000,000 articles)", at_most=150.0),
)


def target_for(figure_id: str) -> Target | None:
    """The target a figure is measured against, if the issues set one."""
    return next((t for t in TARGETS if fnmatchcase(figure_id, t.figures)), None)
