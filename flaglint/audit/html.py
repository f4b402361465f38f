"""The audit as one self-contained HTML file that works offline: no script, style, font or
image is fetched (charts are inline SVG, drawn by audit/charts.py; the table's sorting and
filtering is a few lines of inline script)."""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import TextIO

from flaglint.audit.charts import bars, lines
from flaglint.audit.formats import _sources, headline
from flaglint.audit.model import Audit, FlagRow

_COLORS = {"active": "#2f6fb3", "rolled-out": "#3a9a5b", "retired": "#8a8f98",
           "removed": "#b35a2f", "undeclared": "#c0392b"}
_AGES = ((30, "< 1 month"), (90, "1–3 months"), (180, "3–6 months"), (365, "6–12 months"),
         (730, "1–2 years"), (None, "> 2 years"))


def _age_items(rows: list[FlagRow]) -> list[tuple[str, int, str]]:
    counts: Counter[str] = Counter()
    for row in rows:
        if row.age_days is None:
            counts["unknown"] += 1
            continue
        for limit, name in _AGES:
            if limit is None or row.age_days < limit:
                counts[name] += 1
                break
    names = [name for _, name in _AGES] + ["unknown"]
    return [(name, counts[name], "#2f6fb3") for name in names if counts[name]]


def _row(row: FlagRow) -> str:
    findings = " ".join(f"{code}×{n}" for code, n in row.findings.items())
    cells = [
        (f"<code>{escape(row.key)}</code>", row.key),
        (f'<span class="status" style="background:{_COLORS.get(row.status, "#666")}">'
         f"{escape(row.status)}</span>"
         + (f"<br><small>{escape(row.service)}</small>" if row.service else ""), row.status),
        (escape(row.type) + ("" if row.type_source == "registry" else " <i>(guessed)</i>"),
         row.type),
        (escape(row.owner) + (f" <i>({escape(row.owner_source)})</i>" if row.owner_source
                              and row.owner_source != "registry" else "")
         + (f"<br><small>most edits: {escape(row.author)}</small>"
            if row.author and row.author != row.owner else ""), row.owner),
        (escape(row.created.isoformat()) if row.created else "",
         row.created.isoformat() if row.created else ""),
        ("" if row.age_days is None else str(row.age_days),
         -1 if row.age_days is None else row.age_days),
        (f"{row.reads} <i>(+{row.test_reads} tests)</i>" if row.test_reads else
         str(row.reads), row.reads),
        (str(row.files), row.files),
        (str(row.guarded_lines), row.guarded_lines),
        (str(row.dead_lines), row.dead_lines),
        (escape(findings), sum(row.findings.values())),  # by count, not by rule
        (escape("; ".join(row.stale)), len(row.stale)),
    ]
    numeric = ' class="num"'
    tds = "".join(f'<td{numeric if name in _NUMERIC else ""} '
                  f'data-sort="{escape(str(key))}">{shown}</td>'
                  for (shown, key), name in zip(cells, _HEADERS, strict=True))
    return (f'<tr data-status="{escape(row.status)}" data-stale="{int(row.is_stale)}" '
            f'title="{escape(row.where)}">{tds}</tr>')


# Nothing may be fetched: the page's own style and script only.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

_HEADERS = ("flag", "status", "type", "owner", "created", "age (days)", "reads", "files",
            "guarded lines", "dead lines", "findings", "stale")
_NUMERIC = {"age (days)", "reads", "files", "guarded lines", "dead lines", "findings", "stale"}

_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;
max-width:1200px;padding:0 1em;color:#1d2330}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #d8dde6;border-radius:8px;
padding:.6em 1em;min-width:9em}.card b{display:block;font-size:1.6em}
.stage{border-left:6px solid #2f6fb3;background:#f3f6fb;padding:.8em 1.2em;border-radius:6px}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}figcaption{font-weight:600;
margin-bottom:.4em}svg text{font-size:12px;fill:#333}
table{border-collapse:collapse;width:100%;margin-top:.6em}th,td{border-bottom:1px solid #e3e6ec;
padding:.35em .5em;text-align:left;vertical-align:top}th{cursor:pointer;user-select:none;
background:#f6f7f9;position:sticky;top:0}th[aria-sort=ascending]::after{content:" ▲"}
th[aria-sort=descending]::after{content:" ▼"}td.num,th.num{text-align:right}
.status{color:#fff;border-radius:4px;padding:0 .4em;font-size:.9em}
.controls{display:flex;gap:1em;align-items:center;margin-top:1em}
input,select{font:inherit;padding:.25em .4em}li.met{color:#3a7a4b}li.unmet{color:#a33}
code{font-size:.95em}
"""

_SCRIPT = """
(function () {
  var table = document.getElementById("flags");
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  var status = document.getElementById("status");
  var staleOnly = document.getElementById("stale-only");
  var shown = document.getElementById("shown");
  function apply() {
    var query = filter.value.trim().toLowerCase();
    var count = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var ok = (!query || row.textContent.toLowerCase().indexOf(query) >= 0) &&
        (!status.value || row.dataset.status === status.value) &&
        (!staleOnly.checked || row.dataset.stale === "1");
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count + " of " + body.rows.length + " flags shown";
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.classList.contains("num");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[index].dataset.sort, y = b.cells[index].dataset.sort;
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  filter.addEventListener("input", apply);
  status.addEventListener("change", apply);
  staleOnly.addEventListener("change", apply);
  apply();
})();
"""


def render(audit: Audit) -> str:
    rows = audit.rows
    statuses = Counter(r.status for r in rows)
    steps = "".join(f"<li>{_code(step)}</li>" for step in audit.stage.steps)
    options = "".join(f'<option value="{escape(s)}">{escape(s)} ({n})</option>'
                      for s, n in sorted(statuses.items()))
    headers = "".join(f'<th class="{"num" if h in _NUMERIC else ""}" scope="col">'
                      f'{escape(h)}</th>' for h in _HEADERS)
    cards, criteria = _cards(audit), _criteria(audit)
    charts, dead_section = _charts(audit, statuses), _dead_section(audit)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<title>Flag audit · {escape(audit.root.name)} · {audit.today.isoformat()}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Flag audit of {escape(audit.root.name)}</h1>
<p>{audit.today.isoformat()} · {escape(_sources(audit))}</p>
<div class="cards">{cards}</div>
<h2>{escape(headline(audit).removeprefix("## "))}</h2>
<div class="stage"><ul>{criteria}</ul>
{f"<p><b>Next steps</b></p><ol>{steps}</ol>" if steps else ""}</div>
<h2>Charts</h2>
<div class="charts">{charts}</div>
<h2>Flags</h2>
<div class="controls"><input id="filter" type="search" placeholder="Filter flags…"
aria-label="filter flags"><select id="status" aria-label="status"><option value="">every
status</option>{options}</select><label><input id="stale-only" type="checkbox"> stale only
</label><span id="shown"></span></div>
<table id="flags"><thead><tr>{headers}</tr></thead>
<tbody>{"".join(_row(r) for r in rows)}</tbody></table>
<h2>Dead code cleaning would remove</h2>
{dead_section}
<script>{_SCRIPT}</script>
</body>
</html>
"""


def _cards(audit: Audit) -> str:
    totals = audit.totals
    return "".join(f'<div class="card"><b>{value}</b>{escape(name)}</div>' for name, value in (
        ("flags", totals["flags"]), ("stale", totals["stale"]),
        ("findings", totals["findings"]), ("dead lines", totals["dead_lines"]),
        ("lines guarded by flags", totals["guarded_lines"]), ("files", totals["files"])))


def _criteria(audit: Audit) -> str:
    return "".join(
        f'<li class="{"met" if c.met else "unmet"}">{"✔" if c.met else "✘"} '
        f'<b>{escape(c.stage)}</b>: {escape(c.text)} ({escape(c.measured)})</li>'
        for c in audit.stage.criteria)


def _charts(audit: Audit, statuses: Counter[str]) -> str:
    owners = Counter(r.owner or "(no owner)" for r in audit.rows).most_common(10)
    return "".join([
        bars("Flags by age", _age_items(audit.rows), "flags by age"),
        bars("Flags by status", [(s, n, _COLORS.get(s, "#666")) for s, n in
                                 sorted(statuses.items())], "flags by status"),
        bars("Flags by owner (top 10)", [(o, n, "#6b5fb5") for o, n in owners],
             "flags by owner"),
        lines(audit.months)])


def _dead_section(audit: Audit) -> str:
    dead = "".join(f"<tr><td><code>{escape(d.flag)}</code></td><td>{escape(d.path)}:"
                   f"{d.line}–{d.end_line}</td><td>{escape(d.what)}"
                   f"{'' if d.removable else ' (no fix removes it: by hand)'}</td>"
                   f"<td class=\"num\">{d.end_line - d.line + 1}</td></tr>"
                   for d in audit.dead_code)
    if not dead:
        return "<p>No dead code: no settled flag guards code any more.</p>"
    return (f"<table><thead><tr><th>flag</th><th>where</th><th>what</th>"
            f'<th class="num">lines</th></tr></thead><tbody>{dead}</tbody></table>')


def _code(text: str) -> str:
    """Backticks in a step become <code>."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def write_html(audit: Audit, stream: TextIO) -> None:
    stream.write(render(audit))
