/** The chart's display settings (log axis, moving averages), kept in the browser across reloads. */

/** The chart's indicator settings, kept across reloads. */
export interface ChartPrefs {
  /** Logarithmic price axis. */
  log: boolean;
  /** Periods of the moving averages shown (empty = none). */
  ma: number[];
  /** ATR bands: 20-bar MA of the close ± 2 × ATR(14). */
  atrBands: boolean;
}

const KEY = 'candlemark.chartPrefs';
export const MA_CHOICES: Array<{ label: string; ma: number[] }> = [
  { label: 'no MA', ma: [] },
  { label: 'MA 20', ma: [20] },
  { label: 'MA 50', ma: [50] },
  { label: 'MA 20 + 50', ma: [20, 50] },
];

export function loadChartPrefs(): ChartPrefs {
  try {
    const p = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ChartPrefs>;
    return { log: p.log === true, ma: Array.isArray(p.ma) ? p.ma.filter((n) => Number.isInteger(n) && n > 1 && n <= 500) : [], atrBands: p.atrBands === true };
  } catch {
    return { log: false, ma: [], atrBands: false };
  }
}

export function saveChartPrefs(p: ChartPrefs): void {
  localStorage.setItem(KEY, JSON.stringify(p));
}
