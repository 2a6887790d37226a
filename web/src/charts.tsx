// Small SVG charts (no chart library): each draws figures that a table beside it also gives, which is the
// accessible form; the chart is an image named by its caption.

export interface Point {
  label: string;
  value: number;
}

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 8;
const BOTTOM = 28;
const TOP = 18;

function scale(points: Point[]): (value: number) => number {
  const top = Math.max(1, ...points.map((p) => p.value));
  return (value) => ((HEIGHT - BOTTOM - TOP) * value) / top;
}

/** Bars, one per point, its value written above it. */
export function BarChart({ points, caption, format }: { points: Point[]; caption: string; format: (n: number) => string }) {
  const height = scale(points);
  const slot = (WIDTH - LEFT * 2) / Math.max(points.length, 1);
  const bar = Math.min(72, slot * 0.7);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={caption} preserveAspectRatio="xMidYMid meet">
        <line x1={LEFT} x2={WIDTH - LEFT} y1={HEIGHT - BOTTOM} y2={HEIGHT - BOTTOM} class="axis" />
        {points.map((p, i) => {
          const x = LEFT + slot * i + (slot - bar) / 2;
          const h = height(p.value);
          return (
            <g key={p.label}>
              <rect x={x} y={HEIGHT - BOTTOM - h} width={bar} height={h} class="bar" />
              <text x={x + bar / 2} y={HEIGHT - BOTTOM - h - 4} text-anchor="middle" class="value">{format(p.value)}</text>
              <text x={x + bar / 2} y={HEIGHT - 8} text-anchor="middle" class="label">{p.label}</text>
            </g>
          );
        })}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

/** A line through the points, every `every`-th label written below. */
export function LineChart({ points, caption, every = 1 }: { points: Point[]; caption: string; every?: number }) {
  const height = scale(points);
  const step = (WIDTH - LEFT * 2) / Math.max(points.length - 1, 1);
  const at = (i: number, value: number) => `${LEFT + step * i},${HEIGHT - BOTTOM - height(value)}`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={caption} preserveAspectRatio="xMidYMid meet">
        <line x1={LEFT} x2={WIDTH - LEFT} y1={HEIGHT - BOTTOM} y2={HEIGHT - BOTTOM} class="axis" />
        <polyline points={points.map((p, i) => at(i, p.value)).join(" ")} class="line" fill="none" />
        {points.map((p, i) => (
          <g key={p.label}>
            <circle cx={LEFT + step * i} cy={HEIGHT - BOTTOM - height(p.value)} r={3} class="dot" />
            {i % every === 0 && (
              <text x={LEFT + step * i} y={HEIGHT - 8} text-anchor={i === 0 ? "start" : "middle"} class="label">{p.label}</text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
