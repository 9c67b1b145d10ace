/** A small dependency-free SVG line chart for docs/benchmarks.md (log-scale x, linear y). */

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

const W = 460;
const H = 320;
const M = { left: 64, right: 16, top: 36, bottom: 92 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function panel(p: Panel, offsetX: number): string {
  const xs = [...new Set(p.series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const ys = p.series.flatMap((s) => s.points.map(([, y]) => y));
  const yMax = niceMax(Math.max(1, ...ys));
  const [lx0, lx1] = [Math.log(xs[0] ?? 1), Math.log(xs[xs.length - 1] ?? 2)];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => offsetX + M.left + (lx1 === lx0 ? pw / 2 : ((Math.log(x) - lx0) / (lx1 - lx0)) * pw);
  const sy = (y: number) => M.top + ph - (y / yMax) * ph;
  const out: string[] = [];
  out.push(`<text x="${offsetX + W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    out.push(`<line x1="${offsetX + M.left}" x2="${offsetX + W - M.right}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${offsetX + M.left - 6}" y="${sy(y) + 4}" text-anchor="end">${Math.round(y).toLocaleString('en-US')}</text>`);
  }
  for (const x of xs) out.push(`<text x="${sx(x)}" y="${M.top + ph + 16}" text-anchor="middle">${x}</text>`);
  out.push(`<text x="${offsetX + M.left + pw / 2}" y="${M.top + ph + 34}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  out.push(`<text transform="translate(${offsetX + 14},${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`);
  out.push(`<line x1="${offsetX + M.left}" x2="${offsetX + M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${offsetX + M.left}" x2="${offsetX + W - M.right}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="#333"/>`);
  p.series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${esc(s.name)}: ${Math.round(y)} at ${x}</title></circle>`);
    const ly = M.top + ph + 52 + i * 15;
    out.push(`<line x1="${offsetX + M.left}" x2="${offsetX + M.left + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${offsetX + M.left + 28}" y="${ly}">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

/** Panels side by side in one SVG document. */
export function renderChart(panels: Panel[]): string {
  const width = W * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.map((p, i) => panel(p, i * W)),
    '</svg>',
    '',
  ].join('\n');
}
