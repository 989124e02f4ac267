"""A data-docs style report of the flagged figures: each with its sentence, the reason, and for checks
that compare two figures (cross-source, syndicated copies, parts) the other figure's sentence.

Written as Markdown and HTML by the figure_flags asset. A check shows its first REPORT_LIMIT flags (in
doc_id, figure_id order) and says how many there are; the `figure_flags` table holds every one, and the
report names the query that lists them."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from pipelines.quality.figure_checks import CHECKS, sentence_of

REPORT_LIMIT = 200  # flags shown per check


def _rows(df: pd.DataFrame) -> dict[str, dict]:
    return {r["figure_id"]: r for r in df.to_dict("records")} if len(df) else {}


def _context(figure: dict | None, texts: dict[str, str]) -> tuple[str, str]:
    """(the figure's sentence, its surface) or empty strings when the figure is unknown."""
    if figure is None:
        return "", ""
    text = texts.get(figure["doc_id"], "")
    return sentence_of(text, int(figure["char_start"]), int(figure["char_end"])), str(figure["surface"])


def flagged_figures(flags: pd.DataFrame, figures: pd.DataFrame, documents: pd.DataFrame) -> list[dict]:
    """One entry per flag with the sentences a reviewer needs, in check order."""
    by_id = _rows(figures)
    texts = dict(zip(documents["doc_id"], documents["clean_text"], strict=True)) if len(documents) else {}
    outlets = dict(zip(documents["doc_id"], documents["outlet"], strict=True)) if len(documents) else {}
    order = {name: i for i, name in enumerate(CHECKS)}
    out = []
    for f in flags.to_dict("records"):
        other_id = f.get("other_figure_id") if isinstance(f.get("other_figure_id"), str) else None
        sentence, surface = _context(by_id.get(f["figure_id"]), texts)
        other_sentence, other_surface = _context(by_id.get(other_id), texts) if other_id else ("", "")
        out.append(
            {
                **f,
                "other_figure_id": other_id,
                "outlet": outlets.get(f["doc_id"]),
                "sentence": sentence,
                "surface": surface,
                "other_sentence": other_sentence,
                "other_surface": other_surface,
            }
        )
    return sorted(out, key=lambda e: (order.get(e["check_name"], 99), e["doc_id"], e["figure_id"]))


def _mark_md(sentence: str, surface: str) -> str:
    return sentence.replace(surface, f"**{surface}**", 1) if surface and surface in sentence else sentence


def shown_flags(flags: pd.DataFrame, limit: int = REPORT_LIMIT) -> pd.DataFrame:
    """The flags the report shows: of each check, the first `limit` in (doc_id, figure_id) order."""
    if not len(flags):
        return flags
    ordered = flags.sort_values(["check_name", "doc_id", "figure_id"], kind="stable")
    return ordered.groupby("check_name", sort=False).head(limit).reset_index(drop=True)


def _query(check: str) -> str:
    """The SQL that lists every flag of `check`."""
    return f"SELECT * FROM figure_flags WHERE check_name = '{check}' ORDER BY doc_id, figure_id"


def render_markdown(entries: list[dict], n_figures: int, totals: dict[str, int] | None = None) -> str:
    """`totals`: check_name -> its number of flags, when `entries` shows only part of them."""
    totals = totals or {}
    n_flags = sum(totals.values()) if totals else len(entries)
    lines = ["# Flagged figures", "", f"{n_flags} flag(s) on {n_figures} figure(s).", ""]
    if not entries:
        lines.append("No figure was flagged.")
    for check, about in CHECKS.items():
        mine = [e for e in entries if e["check_name"] == check]
        total = totals.get(check, len(mine))
        lines += [f"## `{check}` ({total})", "", f"_{about}_", ""]
        if total > len(mine):
            lines += [f"Showing the first {len(mine)} of {total:,}; all of them: `{_query(check)}`", ""]
        for e in mine:
            lines += [
                f"- **{e['figure_id']}** ({e['outlet'] or 'unknown outlet'}, {e['severity']}): {e['reason']}",
                f"  > {_mark_md(e['sentence'], e['surface'])}",
            ]
            if e["other_figure_id"]:
                lines += [
                    f"  - other: **{e['other_figure_id']}**",
                    f"    > {_mark_md(e['other_sentence'], e['other_surface'])}",
                ]
        lines.append("")
    return "\n".join(lines)


def _mark_html(sentence: str, surface: str) -> str:
    if surface and surface in sentence:
        before, after = sentence.split(surface, 1)
        return f"{html.escape(before)}<mark>{html.escape(surface)}</mark>{html.escape(after)}"
    return html.escape(sentence)


def render_html(entries: list[dict], n_figures: int, totals: dict[str, int] | None = None) -> str:
    totals = totals or {}
    n_flags = sum(totals.values()) if totals else len(entries)
    shown = {check: sum(1 for e in entries if e["check_name"] == check) for check in CHECKS}
    notes = "".join(
        f"<p><code>{html.escape(check)}</code>: showing the first {shown[check]} of {totals[check]:,}; "
        f"all of them: <code>{html.escape(_query(check))}</code></p>"
        for check in CHECKS
        if totals.get(check, 0) > shown[check]
    )
    rows = "\n".join(
        "<tr><td><code>{check}</code></td><td>{sev}</td><td>{fid}<br><small>{outlet}</small></td><td>{sent}</td>"
        "<td>{reason}</td><td>{oid}<br>{osent}</td></tr>".format(
            check=html.escape(e["check_name"]),
            sev=html.escape(e["severity"]),
            fid=html.escape(e["figure_id"]),
            outlet=html.escape(str(e["outlet"] or "")),
            sent=_mark_html(e["sentence"], e["surface"]),
            reason=html.escape(e["reason"]),
            oid=html.escape(e["other_figure_id"] or ""),
            osent=_mark_html(e["other_sentence"], e["other_surface"]),
        )
        for e in entries
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Flagged figures</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:4px;vertical-align:top}mark{background:#fd6}</style></head><body>"
        f"<h1>Flagged figures</h1><p>{n_flags} flag(s) on {n_figures} figure(s).</p>{notes}"
        "<table><tr><th>check</th><th>severity</th><th>figure</th><th>sentence</th><th>reason</th>"
        f"<th>other figure</th></tr>{rows}</table></body></html>"
    )


def write_report(
    folder: Path,
    flags: pd.DataFrame,
    figures: pd.DataFrame,
    documents: pd.DataFrame,
    n_figures: int | None = None,
    limit: int = REPORT_LIMIT,
) -> tuple[Path, Path]:
    """Write figure_flags.md and figure_flags.html into `folder`; returns their paths. `figures` and
    `documents` need to hold only the rows of the flags shown (`shown_flags`): the figures they name, with
    their documents' clean_text and outlet. `n_figures`: how many figures were checked (default: all of
    `figures`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    totals = flags["check_name"].value_counts().to_dict() if len(flags) else {}
    entries = flagged_figures(shown_flags(flags, limit), figures, documents)
    n_figures = len(figures) if n_figures is None else n_figures
    md, page = folder / "figure_flags.md", folder / "figure_flags.html"
    md.write_text(render_markdown(entries, n_figures, totals), encoding="utf-8")
    page.write_text(render_html(entries, n_figures, totals), encoding="utf-8")
    return md, page
