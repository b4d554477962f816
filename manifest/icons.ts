/**
 * Draws the app's two icons from one shape: a shield with a tick. `color.png` (192×192) is a white
 * shield and an accent tick on the accent colour; `outline.png` (32×32) is the same shield and tick
 * as white lines on transparency, as Teams asks. The PNGs are committed; after changing the design,
 * redraw them with `npx tsc -p tsconfig.build.json && node dist/manifest/icons.js` (a test fails
 * while they differ from what this file draws).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { projectRoot } from '../services/core/paths';

/** The manifest's accentColor too (a test keeps the two equal). */
export const ACCENT = '#0B6A77';

type Point = readonly [number, number];
type Rgba = readonly [number, number, number, number];
/** A closed outline and the box around it. */
type Shape = { points: Point[]; w: number; top: number; bottom: number };

/**
 * A heater shield as a closed polygon in icon coordinates (-1..1, y down): a domed top, straight
 * sides, then curves meeting in a point. `w` is the half-width; the rest scale with it.
 */
function shield(w: number, top: number, bottom: number): Shape {
  const shoulder = top + 0.22 * w;
  const sideEnd = shoulder + 0.45 * (bottom - shoulder);
  const points: Point[] = [];
  const steps = 48;
  for (let i = 0; i <= steps; i++) {
    const x = -w + (2 * w * i) / steps;
    points.push([x, top + (shoulder - top) * (x / w) ** 2]);
  }
  // Right side down, then the half-width falls as 1 - t² so the point is sharp and the join smooth.
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    points.push([w * (1 - t * t), sideEnd + t * (bottom - sideEnd)]);
  }
  for (let i = steps - 1; i >= 0; i--) {
    const t = i / steps;
    points.push([-w * (1 - t * t), sideEnd + t * (bottom - sideEnd)]);
  }
  return { points, w, top, bottom };
}

function inside(shape: Shape, x: number, y: number): boolean {
  // Most samples lie outside the shield's box; skipping them keeps drawing (and its test) fast.
  if (Math.abs(x) > shape.w || y < shape.top || y > shape.bottom) return false;
  const poly = shape.points;
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

function toSegment(px: number, py: number, [ax, ay]: Point, [bx, by]: Point): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function toPolyline(points: readonly Point[], x: number, y: number, closed: boolean): number {
  let best = Infinity;
  const n = closed ? points.length : points.length - 1;
  for (let i = 0; i < n; i++) best = Math.min(best, toSegment(x, y, points[i]!, points[(i + 1) % points.length]!));
  return best;
}

/** The tick, centred in the shield's body rather than the whole shape (the point makes it bottom-heavy). */
const tick = (s: number, cy: number): Point[] => [
  [-0.46 * s, cy],
  [-0.13 * s, cy + 0.32 * s],
  [0.48 * s, cy - 0.32 * s],
];

/** Renders with 5×5 supersampling, so edges are smooth at both sizes. */
function render(size: number, paint: (x: number, y: number) => Rgba): PNG {
  const png = new PNG({ width: size, height: size });
  const n = 5;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [cr, cg, cb, ca] = paint(((px + (sx + 0.5) / n) / size) * 2 - 1, ((py + (sy + 0.5) / n) / size) * 2 - 1);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const i = (py * size + px) * 4;
      // Colour is averaged over the covered samples only, so a white line's soft edge stays white.
      png.data[i] = a ? Math.round(r / a) : 255;
      png.data[i + 1] = a ? Math.round(g / a) : 255;
      png.data[i + 2] = a ? Math.round(b / a) : 255;
      png.data[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return png;
}

const rgb = (hex: string): [number, number, number] => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
const WHITE: Rgba = [255, 255, 255, 1];
const CLEAR: Rgba = [255, 255, 255, 0];

/** 192×192, opaque: Teams shows it on app tiles and in the store, at up to that size. */
export function colorIcon(): PNG {
  const accent: Rgba = [...rgb(ACCENT), 1];
  const body = shield(0.52, -0.64, 0.68);
  const mark = tick(0.52, -0.08);
  return render(192, (x, y) => (inside(body, x, y) && toPolyline(mark, x, y, false) > 0.06 ? WHITE : accent));
}

/** 32×32, white on transparent: Teams tints it for the app bar, so only its alpha carries the design. */
export function outlineIcon(): PNG {
  const body = shield(0.64, -0.8, 0.8);
  const mark = tick(0.64, -0.12);
  const half = 1 / 16; // a 2-pixel line
  return render(32, (x, y) => (toPolyline(body.points, x, y, true) < half || toPolyline(mark, x, y, false) < half ? WHITE : CLEAR));
}

if (require.main === module) {
  const dir = path.join(projectRoot(), 'manifest');
  writeFileSync(path.join(dir, 'color.png'), PNG.sync.write(colorIcon()));
  writeFileSync(path.join(dir, 'outline.png'), PNG.sync.write(outlineIcon()));
  process.stdout.write('Wrote manifest/color.png and manifest/outline.png\n');
}
