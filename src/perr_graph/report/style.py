"""The report's style sheet, inlined into every page (the pages open from disk: no external file, font or script)."""

CSS = """
:root {
  --ink: #1d2433; --muted: #5b6475; --line: #dfe3ea; --bg: #f6f7f9; --card: #ffffff;
  --accent: #1f4e9c; --accent-soft: #e8eef9; --ok: #2e7d4f; --warn: #b25d00; --bad: #b3261e;
}
* { box-sizing: border-box; }
html { font-size: 15px; }
body {
  margin: 0; color: var(--ink); background: var(--bg); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top {
  background: #14213d; color: #fff; padding: 0 24px; position: sticky; top: 0; z-index: 10;
  display: flex; align-items: center; gap: 24px; flex-wrap: wrap; min-height: 52px;
}
header.top .brand { font-weight: 700; letter-spacing: .02em; color: #fff; font-size: 1.05rem; }
header.top nav { display: flex; gap: 4px; flex-wrap: wrap; }
header.top nav a {
  color: #d7def0; padding: 6px 10px; border-radius: 6px; font-size: .92rem; white-space: nowrap;
}
header.top nav a:hover, header.top nav a.here { background: rgba(255,255,255,.14); color: #fff; text-decoration: none; }
header.top nav .sep { width: 1px; background: rgba(255,255,255,.25); margin: 6px 6px; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 24px 64px; }
h1 { font-size: 1.75rem; margin: .2em 0 .3em; line-height: 1.25; }
h2 { font-size: 1.3rem; margin: 1.8em 0 .5em; padding-bottom: .25em; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.4em 0 .4em; }
p.lead { font-size: 1.05rem; color: var(--muted); max-width: 60em; margin-top: 0; }
.muted { color: var(--muted); }
.small { font-size: .86rem; }
.note { font-size: .88rem; color: var(--muted); max-width: 62em; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(225px, 1fr)); gap: 14px; margin: 16px 0; }
.card .nums { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; margin: 10px 0; }
.card .nums div { background: var(--bg); border-radius: 6px; padding: 4px 8px; }
.card .nums b { display: block; font-size: 1.2rem; font-variant-numeric: tabular-nums; }
.card .nums span { font-size: .78rem; color: var(--muted); }
.card .where { font-size: .82rem; color: var(--muted); }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px;
  box-shadow: 0 1px 2px rgba(20,33,61,.04);
}
.card h3 { margin: 0 0 .2em; font-size: 1.08rem; }
.card .sub { color: var(--muted); font-size: .88rem; margin-bottom: .6em; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 8px 0; font-size: .92rem; }
.card dt { color: var(--muted); }
.card dd { margin: 0; font-variant-numeric: tabular-nums; }
.card .links { margin-top: 10px; display: flex; gap: 12px; font-size: .92rem; }
.bar { height: 8px; background: #e9edf3; border-radius: 4px; overflow: hidden; margin: 3px 0 8px; }
.bar > span { display: block; height: 100%; background: var(--accent); }
.bar.ind > span { background: #2e8b57; }
.kpis { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0 4px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; min-width: 140px; }
.kpi b { display: block; font-size: 1.5rem; font-variant-numeric: tabular-nums; }
.kpi span { color: var(--muted); font-size: .86rem; }
table { border-collapse: collapse; background: var(--card); font-size: .9rem; }
table.data { width: 100%; }
th, td { border: 1px solid var(--line); padding: 5px 9px; vertical-align: top; text-align: left; }
th { background: #eef1f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.heat td.num { min-width: 5.5em; }
table.heat td.zero { color: #b8bfcc; }
table.heat th.total, table.heat td.total { border-left: 2px solid #b9c2d3; }
.scroll { overflow-x: auto; max-width: 100%; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(640px, 1fr)); gap: 8px 28px; }
.pill, .tag, .chip {
  display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: .8rem; margin: 2px 4px 2px 0;
  border: 1px solid transparent; white-space: nowrap;
}
.pill { background: #14213d; color: #fff; }
.tag { background: #eef1f6; color: #36405a; border-color: #dde2ec; }
.chip { background: #fff; border-color: #c9d1df; color: #1d2433; }
.chip.role-chef-de-file { background: #1f4e9c; border-color: #1f4e9c; color: #fff; }
.chip.role-partie-qui-s-engage { background: #2e6fd1; border-color: #2e6fd1; color: #fff; }
.chip.role-partenaire-associe { background: #e8eef9; border-color: #9fb6e0; color: #1f3f7a; }
.chip.role-signataires-collectivement { background: #f3efe2; border-color: #d9cfa8; color: #5b4b12; }
.chip.role-role-non-precise { background: #fff; border-color: #b0b7c3; border-style: dashed; color: #3b4252; }
.chip.role-structure-porteuse { background: #f4ecf7; border-color: #c9a9d6; color: #4f2a5e; }
.chip.role-service-de-suivi { background: #e7f4ec; border-color: #9fd0b1; color: #1e5b38; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: .85rem; margin: 8px 0 12px; align-items: center; }
.legend .sw { display: inline-block; width: 12px; height: 12px; border-radius: 50%; margin-right: 5px; vertical-align: -1px; }
section.sec { margin-top: 26px; }
section.sec > h3 { position: sticky; top: 52px; background: var(--bg); padding: 6px 0; z-index: 2; }
article.c {
  background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 8px;
  padding: 10px 14px; margin: 8px 0; scroll-margin-top: 110px;
}
article.c.nolead { border-left-color: #c2c8d3; }
article.c:target { box-shadow: 0 0 0 3px #f6c343; }
article.c p { margin: 0 0 6px; }
article.c .line { float: right; font-size: .82rem; margin-left: 12px; }
article.c .matches { font-size: .85rem; color: var(--muted); margin-top: 4px; }
article.c .desc { font-size: .88rem; color: var(--muted); }
.src { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 0; }
.src .ln { display: grid; grid-template-columns: 4.2em 1fr auto; gap: 10px; padding: 0 12px; scroll-margin-top: 120px; }
.src .ln:hover { background: #f3f5f9; }
.src .ln .n { color: #9aa3b3; text-align: right; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .84rem; user-select: none; }
.src .ln .t { white-space: pre-wrap; word-break: break-word; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .84rem; }
.src .ln.read { background: #f1f6ff; }
.src .ln:target { background: #fff3c4; outline: 2px solid #f6c343; }
.src .ln .back { font-size: .78rem; white-space: nowrap; }
.score { display: inline-block; min-width: 3.2em; text-align: right; font-variant-numeric: tabular-nums; }
.pairs td { font-size: .88rem; }
.pairs td.txt { max-width: 30em; }
.badge { display: inline-block; font-size: .75rem; padding: 0 7px; border-radius: 4px; background: #eef1f6; color: #36405a; }
.badge.exact { background: #dff3e6; color: #1e5b38; }
.badge.close { background: #e8eef9; color: #1f3f7a; }
.badge.Violation { background: #fbe3e1; color: var(--bad); }
.badge.Warning { background: #fff1dc; color: var(--warn); }
.badge.Info { background: #e8eef9; color: #1f3f7a; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: 10px; }
figcaption { font-size: .86rem; color: var(--muted); margin-top: 4px; }
details { margin: 6px 0; }
summary { cursor: pointer; }
footer { color: var(--muted); font-size: .82rem; border-top: 1px solid var(--line); margin-top: 48px; padding-top: 12px; }
.toc { columns: 2 22em; font-size: .92rem; }
.toc li { break-inside: avoid; }
table.heat td a { color: inherit; display: block; }
a.chip { text-decoration: none; }
a.chip:hover { text-decoration: underline; }
.button { display: inline-block; margin: 4px 12px 4px 0; }
.dl { margin: 4px 0 14px; }
details.region { margin: 10px 0; }
details.region > summary { font-size: 1.1rem; padding: 6px 0; }
details.big > summary { color: var(--accent); margin: 6px 0; }
h3.dept { margin-top: .8em; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 8px 16px; margin: 12px 0; }
form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
form.filters input, form.filters select { font: inherit; color: var(--ink); padding: 4px 6px; border: 1px solid #c9d1df; border-radius: 6px; background: #fff; max-width: 100%; }
#active .tag { margin-right: 8px; }
p.count { font-weight: 600; }
table.results td:nth-child(3) { min-width: 26em; }
table.results td:nth-child(6) { min-width: 14em; }
.pager a, .pager span { margin-right: 14px; }
@media print { header.top { position: static; } section.sec > h3 { position: static; } }
"""
