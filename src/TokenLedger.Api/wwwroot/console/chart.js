// Small SVG charts: horizontal bars (negative values in red) and stacked bars. No dependency.
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
    svg.append(el('rect', { x: r.value < 0 ? zero - w : zero, y, width: Math.max(w, 1), height: row - 6, fill: r.value < 0 ? '#d9534f' : '#4c8bf5', 'data-negative': String(r.value < 0) }));
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
      const rect = el('rect', { x, y: i * row + 2, width: Math.max(w, 0), height: row - 8, fill: palette[j % palette.length], 'data-bucket': k, 'data-value': String(r.parts[k] ?? 0) });
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
