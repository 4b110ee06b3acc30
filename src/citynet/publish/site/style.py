"""The site's one stylesheet, written to ``style.css``: system fonts, no downloads."""

CSS = """\
:root {
  color-scheme: light;
  --ink: #1c2733;
  --muted: #4d5b69;
  --line: #d5dde5;
  --paper: #ffffff;
  --tint: #f4f7fa;
  --accent: #0a5a9c;
  --accent-dark: #083f6e;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  line-height: 1.5;
  color: var(--ink);
  background: var(--paper);
}
body { margin: 0; }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:hover, a:focus { color: var(--accent-dark); }
a.external::after { content: " ↗"; font-size: 0.8em; }
:focus-visible { outline: 3px solid #e69f00; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: 0.5rem; z-index: 2; }
header.site {
  background: var(--accent-dark);
  color: #fff;
  padding: 0.6rem 1.25rem;
  display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.4rem 1.5rem;
}
header.site a { color: #fff; }
header.site .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; }
header.site nav ul {
  list-style: none;
  margin: 0;
  padding: 0;
  display: flex;
  flex-wrap: wrap;
  gap: 0.2rem 1rem;
}
header.site nav a[aria-current] { font-weight: 700; text-decoration-thickness: 2px; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.8rem 0 0.3rem; }
h2 {
  font-size: 1.35rem;
  margin: 2rem 0 0.6rem;
  padding-bottom: 0.2rem;
  border-bottom: 1px solid var(--line);
}
h3 { font-size: 1.1rem; margin: 1.2rem 0 0.4rem; }
.kind {
  color: var(--muted);
  margin: 0;
  text-transform: uppercase;
  letter-spacing: 0.06em;
  font-size: 0.85rem;
}
.also { color: var(--muted); margin: 0.2rem 0 0.8rem; }
.lead { font-size: 1.15rem; max-width: 48rem; }
.summary { max-width: 48rem; }
.data-links { font-size: 0.9rem; color: var(--muted); margin: 0.3rem 0 1rem; }
.data-links code { font-size: 0.85rem; word-break: break-all; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding: 0.3rem 0; caption-side: top; }
th, td {
  text-align: left;
  vertical-align: top;
  padding: 0.35rem 0.7rem 0.35rem 0;
  border-bottom: 1px solid var(--line);
}
thead th { border-bottom: 2px solid var(--ink); white-space: nowrap; }
tbody th { font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts {
  display: grid;
  grid-template-columns: minmax(9rem, max-content) 1fr;
  gap: 0.35rem 1.2rem;
  margin: 0.5rem 0 1rem;
}
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; }
table.terms { table-layout: fixed; }
table.terms th:first-child { width: 7rem; }
table.terms th:nth-child(2), table.terms td:nth-child(2) { width: 12rem; }
ul.inline { display: inline; list-style: none; padding: 0; margin: 0; }
ul.inline li { display: inline; }
ul.inline li + li::before { content: "; "; }
ul.cards {
  list-style: none;
  padding: 0;
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
  gap: 1rem;
}
ul.cards li {
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 0.8rem 1rem;
  background: var(--tint);
}
ul.cards .card-title {
  font-weight: 700;
  font-size: 1.05rem;
  display: block;
  margin-bottom: 0.25rem;
}
ul.cards .swatch {
  display: inline-block;
  width: 0.8rem;
  height: 0.8rem;
  border-radius: 50%;
  margin-right: 0.4rem;
  vertical-align: -0.05rem;
}
ul.columns { columns: 16rem; padding-left: 1.2rem; }
figure.map { margin: 1rem 0 1.5rem; }
figure.map svg { display: block; width: 100%; height: auto; max-width: 100%; }
figure.map figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.3rem; }
svg .map-label {
  fill: var(--ink);
  paint-order: stroke;
  stroke: #ffffff;
  stroke-width: 3px;
  stroke-linejoin: round;
}
svg .map-label-highlight { font-weight: 700; }
svg .map-legend { fill: var(--ink); }
svg a:hover .map-label, svg a:focus .map-label { fill: var(--accent); text-decoration: underline; }
blockquote {
  margin: 0.4rem 0 0.8rem;
  padding: 0.3rem 0 0.3rem 1rem;
  border-left: 4px solid var(--line);
  color: #2b3947;
}
blockquote p { margin: 0; }
blockquote.match { border-left-color: var(--accent); }
ol.sources > li { margin-bottom: 1rem; }
details { margin: 0.3rem 0; }
details > summary { cursor: pointer; color: var(--accent); }
.note { background: #fff8e6; border-left: 4px solid #e69f00; padding: 0.5rem 0.8rem; }
.muted { color: var(--muted); }
footer.site {
  border-top: 1px solid var(--line);
  color: var(--muted);
  font-size: 0.9rem;
  padding: 1rem 1.25rem 2rem;
  max-width: 72rem;
  margin: 0 auto;
}
@media (max-width: 40rem) {
  dl.facts { grid-template-columns: 1fr; }
  h1 { font-size: 1.6rem; }
}
@media print {
  header.site nav, .data-links { display: none; }
  a.external::after { content: ""; }
}
"""
