/**
 * Draws the app's two icons: a white shield with a tick on the partnership's colour (192×192), and
 * the same shield as a white outline on transparency (32×32), as Teams asks. Run it again after
 * changing the design: `npx tsc -p tsconfig.build.json && node dist/manifest/icons.js`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { projectRoot } from '../services/core/paths';

export const ACCENT = '#0B6A77';

/** Half-width of the shield at height y (both in -1..1): straight sides, then a rounded point. */
function shieldHalfWidth(y: number): number {
  if (y < -0.78 || y > 0.92) return 0;
  if (y < 0.15) return 0.66;
  const t = (y - 0.15) / 0.77;
  return 0.66 * Math.sqrt(Math.max(0, 1 - t * t));
}
const inShield = (x: number, y: number, inset = 0) => Math.abs(x) < shieldHalfWidth(y) - inset && y > -0.78 + inset && y < 0.92 - inset;

/** Distance from a point to a segment, for the tick's strokes. */
function toSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
const onTick = (x: number, y: number) => Math.min(toSegment(x, y, -0.32, 0.05, -0.08, 0.3), toSegment(x, y, -0.08, 0.3, 0.36, -0.22)) < 0.09;

type Paint = (x: number, y: number) => [number, number, number, number];

/** Renders with 4×4 supersampling so edges are smooth at both sizes. */
function render(size: number, paint: Paint): PNG {
  const png = new PNG({ width: size, height: size });
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = ((px + (sx + 0.5) / n) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / n) / size) * 2 - 1;
          const [r, g, b, a] = paint(x, y);
          acc[0]! += r * a;
          acc[1]! += g * a;
          acc[2]! += b * a;
          acc[3]! += a;
        }
      }
      const i = (py * size + px) * 4;
      const alpha = acc[3]! / (n * n);
      png.data[i] = alpha ? Math.round(acc[0]! / acc[3]!) : 255;
      png.data[i + 1] = alpha ? Math.round(acc[1]! / acc[3]!) : 255;
      png.data[i + 2] = alpha ? Math.round(acc[2]! / acc[3]!) : 255;
      png.data[i + 3] = Math.round(alpha * 255);
    }
  }
  return png;
}

const hex = (c: string): [number, number, number] => [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];

export function colorIcon(): PNG {
  const accent = hex(ACCENT);
  return render(192, (x, y) => {
    if (inShield(x * 1.35, y * 1.25) && !onTick(x * 1.35, y * 1.25)) return [255, 255, 255, 1];
    return [...accent, 1];
  });
}

export function outlineIcon(): PNG {
  return render(32, (x, y) => {
    const sx = x * 1.08;
    const sy = y * 1.05;
    const ring = inShield(sx, sy) && !inShield(sx, sy, 0.16);
    return ring || (inShield(sx, sy) && onTick(sx, sy)) ? [255, 255, 255, 1] : [255, 255, 255, 0];
  });
}

if (require.main === module) {
  const dir = path.join(projectRoot(), 'manifest');
  writeFileSync(path.join(dir, 'color.png'), PNG.sync.write(colorIcon()));
  writeFileSync(path.join(dir, 'outline.png'), PNG.sync.write(outlineIcon()));
  process.stdout.write('wrote manifest/color.png and manifest/outline.png\n');
}
