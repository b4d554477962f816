import { makeStyles, tokens } from '@fluentui/react-components';
import type { Rag } from './api';

/**
 * RAG colours from Fluent's theme tokens (CSS variables the FluentProvider sets), so the light, dark
 * and high-contrast themes each give their own. Each fill is a foreground token, made to read on the
 * page's background (4.5:1 or more in every Teams theme), and the number drawn on it takes the
 * inverted foreground, which is near the page's background, so it reads on the fill just as well.
 * High contrast turns every fill white: there the numbers, the key's order and the words carry it.
 */
const ON_FILL = tokens.colorNeutralForegroundInverted;
export const RAG_COLOURS: Record<Rag, { fill: string; text: string; label: string }> = {
  B: { fill: tokens.colorBrandForeground1, text: ON_FILL, label: 'Blue (done)' },
  G: { fill: tokens.colorPaletteGreenForeground1, text: ON_FILL, label: 'Green' },
  A: { fill: tokens.colorPaletteMarigoldForeground2, text: ON_FILL, label: 'Amber' },
  R: { fill: tokens.colorPaletteRedForeground1, text: ON_FILL, label: 'Red' },
  NR: { fill: tokens.colorNeutralForeground3, text: ON_FILL, label: 'Not rated' },
};

/** Bar colours for percentages and counts: foreground tokens too, so a bar stands out from its track and the page in any theme. */
export const BAR_COLOURS = { first: tokens.colorBrandForeground1, second: tokens.colorPaletteLightTealForeground2, alarm: tokens.colorPaletteRedForeground1 };

const useStyles = makeStyles({
  chart: { display: 'flex', flexDirection: 'column', gap: '10px', margin: '8px 0 16px' },
  row: { display: 'flex', flexDirection: 'column', gap: '2px' },
  label: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere' },
  bar: { display: 'block', width: '100%', height: '22px', overflow: 'visible' },
  pctRow: { display: 'flex', alignItems: 'center', gap: '8px' },
  // A basis of 0 lets the bar give way to its figure at narrow widths instead of pushing it off screen.
  pctBar: { display: 'block', flex: '1 1 0', minWidth: 0, height: '22px' },
  value: { flexShrink: 0, fontSize: tokens.fontSizeBase200, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  legend: { display: 'flex', flexWrap: 'wrap', gap: '12px', fontSize: tokens.fontSizeBase200 },
  swatch: { display: 'inline-block', width: '10px', height: '10px', marginRight: '4px', borderRadius: '2px' },
});

/** The colour key under a chart's title. */
function Legend(props: { items: { name: string; fill: string }[] }) {
  const s = useStyles();
  return (
    <figcaption className={s.legend}>
      {props.items.map((l) => (
        <span key={l.name}>
          <span className={s.swatch} style={{ background: l.fill }} aria-hidden="true" />
          {l.name}
        </span>
      ))}
    </figcaption>
  );
}

export type Segment = { key: string; value: number; fill: string; text: string; name: string };

/**
 * Horizontal stacked bars, one per row, each segment labelled with its number: the numbers are
 * text, so they can be read (and tested) as well as seen. Percent widths keep it legible at any width.
 */
export function StackedBars(props: { title: string; rows: { label: string; segments: Segment[] }[]; legend: { name: string; fill: string }[] }) {
  const s = useStyles();
  return (
    <figure className={s.chart} aria-label={props.title} role="group" style={{ margin: 0 }}>
      <Legend items={props.legend} />
      {props.rows.map((row) => {
        const total = row.segments.reduce((n, x) => n + x.value, 0);
        let x = 0;
        return (
          <div key={row.label} className={s.row}>
            <span className={s.label}>{row.label}</span>
            <svg
              className={s.bar}
              role="img"
              aria-label={`${row.label}: ${
                row.segments
                  .filter((g) => g.value)
                  .map((g) => `${g.value} ${g.name}`)
                  .join(', ') || 'none'
              }`}
              data-chart-row={row.label}
            >
              <title>{`${row.label}: ${row.segments.map((g) => `${g.name} ${g.value}`).join(', ')}`}</title>
              {total === 0 && (
                <text x="4" y="15" fontSize="12" fill={tokens.colorNeutralForeground2}>
                  0
                </text>
              )}
              {row.segments.map((g) => {
                if (!g.value) return null;
                const width = (g.value / total) * 100;
                const at = x;
                x += width;
                return (
                  <g key={g.key} data-segment={g.key} data-value={g.value}>
                    {/* Outlined in the page's colour, so segments stay apart where the theme makes their fills alike. */}
                    <rect x={`${at}%`} y="0" width={`${width}%`} height="22" fill={g.fill} stroke={tokens.colorNeutralBackground1} strokeWidth={1} />
                    <text x={`${at + width / 2}%`} y="15" textAnchor="middle" fontSize="12" fill={g.text}>
                      {g.value}
                    </text>
                  </g>
                );
              })}
            </svg>
          </div>
        );
      })}
    </figure>
  );
}

type Bar = { fraction: number; fill: string; name: string; text: string; value: number };

/**
 * One row of horizontal bars, each followed by its figure. The figures share one fixed-width column
 * (as wide as the chart's longest), so every bar in a chart has the same track and equal values
 * draw equal lengths.
 */
function BarRows(props: { title: string; scale: 'percent' | 'count'; rows: { label: string; bars: Bar[] }[]; legend?: { name: string; fill: string }[] }) {
  const s = useStyles();
  const figureWidth = `calc(${Math.max(3, ...props.rows.flatMap((r) => r.bars.map((b) => b.text.length)))}ch + 4px)`;
  return (
    <figure className={s.chart} aria-label={props.title} role="group" style={{ margin: 0 }} data-scale={props.scale}>
      {props.legend && <Legend items={props.legend} />}
      {props.rows.map((row) => (
        <div key={row.label} className={s.row}>
          <span className={s.label}>{row.label}</span>
          {row.bars.map((bar, i) => (
            <div key={i} className={s.pctRow}>
              <svg
                className={s.pctBar}
                role="img"
                aria-label={`${row.label}${bar.name ? ` (${bar.name})` : ''}: ${bar.text}`}
                data-chart-row={row.label}
                data-value={bar.value}
              >
                <rect x="0" y="2" width="100%" height="18" fill={tokens.colorNeutralBackground3} />
                <rect x="0" y="2" width={`${Math.max(0, Math.min(1, bar.fraction)) * 100}%`} height="18" fill={bar.fill} />
              </svg>
              <span className={s.value} style={{ width: figureWidth }}>
                {bar.text}
              </span>
            </div>
          ))}
        </div>
      ))}
    </figure>
  );
}

/** Percentages as horizontal bars, the figure written after each bar. Optional second series for a comparison. */
export function PercentBars(props: { title: string; rows: { label: string; pct: number; detail?: string; compare?: number }[]; series?: [string, string] }) {
  const [first, second] = props.series ?? ['', ''];
  const fills = [BAR_COLOURS.first, BAR_COLOURS.second];
  return (
    <BarRows
      title={props.title}
      scale="percent"
      legend={
        props.series
          ? [
              { name: first, fill: fills[0]! },
              { name: second, fill: fills[1]! },
            ]
          : undefined
      }
      rows={props.rows.map((row) => ({
        label: row.label,
        bars: [
          { value: row.pct, fraction: row.pct / 100, fill: fills[0]!, name: first, text: `${row.pct}%${row.detail ? ` ${row.detail}` : ''}` },
          ...(row.compare === undefined ? [] : [{ value: row.compare, fraction: row.compare / 100, fill: fills[1]!, name: second, text: `${row.compare}%` }]),
        ],
      }))}
    />
  );
}

/** Counts as horizontal bars on one scale (the largest count is the full width), the count written after each. */
export function CountBars(props: { title: string; rows: { label: string; value: number }[]; fill: string; name: string }) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <BarRows
      title={props.title}
      scale="count"
      legend={[{ name: props.name, fill: props.fill }]}
      rows={props.rows.map((row) => ({
        label: row.label,
        bars: [{ value: row.value, fraction: row.value / max, fill: props.fill, name: props.name, text: String(row.value) }],
      }))}
    />
  );
}
