// Small hand-written SVG charts: horizontal bars (negative values in red), stacked bars, a line over days and gauges.
// No dependency and no build step; colours come from console.css classes where the data decides them.
const NS = 'http://www.w3.org/2000/svg';
const el = (name, attrs, text) => {
  const node = document.createElementNS(NS, name);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  if (text !== undefined) node.textContent = text;
  return node;
};

export function bars(rows, format, { testid } = {}) {
  const width = 640, row = 22, labelWidth = 170, valueWidth = 110;
  const max = Math.max(1e-9, ...rows.map(r => Math.abs(r.value)));
  const hasNegative = rows.some(r => r.value < 0);
  const zero = labelWidth + (hasNegative ? (width - labelWidth - valueWidth) / 2 : 0);
  const span = (width - labelWidth - valueWidth) * (hasNegative ? 0.5 : 1);
  const svg = el('svg', { width, height: rows.length * row + 4, role: 'img', 'data-testid': testid ?? 'chart' });
  rows.forEach((r, i) => {
    const w = Math.abs(r.value) / max * span;
    const y = i * row + 2;
    svg.append(el('text', { x: 0, y: y + 14 }, r.label));
    svg.append(el('rect', { x: r.value < 0 ? zero - w : zero, y, width: Math.max(w, 1), height: row - 6, class: r.value < 0 ? 'bar negative' : 'bar', 'data-negative': String(r.value < 0), 'data-label': r.label, 'data-value': String(r.value) }));
    svg.append(el('text', { x: width - valueWidth + 6, y: y + 14, class: r.value < 0 ? 'negative' : '' }, format(r.value)));
  });
  return svg;
}

export const palette = ['#4c8bf5', '#f2b134', '#f08a24', '#d9534f', '#7a1f1f'];

export function stacked(rows, keys, labels, format, { testid } = {}) {
  const width = 640, row = 26, labelWidth = 120;
  const max = Math.max(1e-9, ...rows.map(r => keys.reduce((s, k) => s + Number(r.parts[k] ?? 0), 0)));
  const svg = el('svg', { width, height: rows.length * row + 4, role: 'img', 'data-testid': testid ?? 'stacked' });
  rows.forEach((r, i) => {
    let x = labelWidth;
    svg.append(el('text', { x: 0, y: i * row + 16 }, r.label));
    keys.forEach((k, j) => {
      const w = Number(r.parts[k] ?? 0) / max * (width - labelWidth - 10);
      const rect = el('rect', { x, y: i * row + 2, width: Math.max(w, 0), height: row - 8, fill: palette[j % palette.length], 'data-bucket': k, 'data-value': String(r.parts[k] ?? 0), 'data-row': r.key ?? r.label });
      rect.append(el('title', {}, `${labels[j]}: ${format(r.parts[k] ?? 0)}`));
      svg.append(rect);
      x += w;
    });
  });
  const legend = document.createElement('div');
  legend.className = 'legend';
  // Built node by node: the Content-Security-Policy refuses style attributes in markup, not styles set through the DOM.
  labels.forEach((l, j) => {
    const swatch = document.createElement('i');
    swatch.style.background = palette[j % palette.length];
    const item = document.createElement('span');
    item.append(swatch, l);
    legend.append(item);
  });
  const wrap = document.createElement('div');
  wrap.append(svg, legend);
  return wrap;
}

/**
 * A line over consecutive points (e.g. the days of a month); each point is a circle carrying its label and value, so
 * a reader (or a test) can check the figures. Points after the last one with data are not drawn.
 */
export function line(points, format, { testid } = {}) {
  const width = 640, height = 200, left = 70, right = 10, top = 10, bottom = 24;
  const max = Math.max(1e-9, ...points.map(p => p.value));
  const step = points.length > 1 ? (width - left - right) / (points.length - 1) : 0;
  const x = i => left + i * step;
  const y = v => top + (1 - v / max) * (height - top - bottom);
  const svg = el('svg', { width, height, role: 'img', 'data-testid': testid ?? 'line' });
  svg.append(el('line', { x1: left, y1: y(0), x2: width - right, y2: y(0), class: 'axis' }));
  svg.append(el('line', { x1: left, y1: top, x2: left, y2: y(0), class: 'axis' }));
  svg.append(el('text', { x: left - 6, y: top + 8, 'text-anchor': 'end' }, format(max)));
  svg.append(el('text', { x: left - 6, y: y(0), 'text-anchor': 'end' }, format(0)));
  svg.append(el('polyline', { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' '), class: 'series' }));
  points.forEach((p, i) => {
    const dot = el('circle', { cx: x(i), cy: y(p.value), r: 3, class: 'point', 'data-label': p.label, 'data-value': String(p.amount ?? p.value) });
    dot.append(el('title', {}, `${p.label}: ${format(p.value)}`));
    svg.append(dot);
    if (i === 0 || i === points.length - 1 || (i + 1) % 5 === 0) svg.append(el('text', { x: x(i), y: height - 6, 'text-anchor': 'middle' }, p.shortLabel ?? p.label));
  });
  return svg;
}

/** A half-circle gauge of used against limit: class "warn" from 80 %, "over" from 100 % (the levels the signals use). */
export function gauge({ used, limit, percent, title, lines = [] }, { testid } = {}) {
  const level = percent >= 100 ? 'over' : percent >= 80 ? 'warn' : 'ok';
  const figure = document.createElement('figure');
  figure.className = `gauge ${level}`;
  figure.dataset.testid = testid ?? 'gauge';
  figure.dataset.used = String(used);
  figure.dataset.limit = String(limit);
  const arc = 'M 20 90 A 60 60 0 0 1 140 90';
  const svg = el('svg', { width: 160, height: 100, role: 'img' });
  svg.append(el('path', { d: arc, class: 'track', pathLength: 100 }));
  svg.append(el('path', { d: arc, class: 'fill', pathLength: 100, 'stroke-dasharray': `${Math.min(100, Math.max(0, percent))} 100` }));
  svg.append(el('text', { x: 80, y: 84, 'text-anchor': 'middle', class: 'gauge-percent' }, `${Math.round(percent)} %`));
  const caption = document.createElement('figcaption');
  const name = document.createElement('strong');
  name.textContent = title;
  caption.append(name);
  lines.forEach(text => { const p = document.createElement('span'); p.textContent = text; caption.append(document.createElement('br'), p); });
  figure.append(svg, caption);
  return figure;
}
