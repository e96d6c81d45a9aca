/**
 * Reads only the bars a view needs (a window plus CONTEXT bars each side) and keeps the last few
 * chunks, so stepping back and forth between windows doesn't re-read them.
 */
import { call } from '../api/client.ts';
import type { BarsChunk } from '../api/types.ts';

/** Bars shown on each side of the focus, dimmed, for context (the default; the window bar changes it). */
export const CONTEXT = 32;
/** The choices offered on the window bar. */
export const CONTEXT_CHOICES = [32, 64, 128, 256, 512] as const;
const CONTEXT_KEY = 'candlemark.contextBars';

/** The analyst's choice of context bars, kept across reloads. */
export function contextBars(): number {
  const n = Number(localStorage.getItem(CONTEXT_KEY));
  return (CONTEXT_CHOICES as readonly number[]).includes(n) ? n : CONTEXT;
}

export function setContextBars(n: number): void {
  localStorage.setItem(CONTEXT_KEY, String(n));
}

/** The bars a view of [start, end] loads: the focus plus the context on each side, within the series. */
export function contextRange(barCount: number, start: number, end: number): { from: number; to: number } {
  const ctx = contextBars();
  return { from: Math.max(0, start - ctx), to: Math.max(0, Math.min(barCount - 1, end + ctx)) };
}
const KEEP = 12;
const cache = new Map<string, Promise<BarsChunk>>();

export function readRange(seriesId: string, barCount: number, start: number, end: number): Promise<BarsChunk> {
  const { from, to } = contextRange(barCount, start, end);
  const count = Math.max(1, Math.min(200_000, to - from + 1));
  const key = `${seriesId}:${from}:${count}`;
  let hit = cache.get(key);
  if (hit) {
    // Refresh its place in the LRU order.
    cache.delete(key);
  } else {
    hit = call('bars.read', { seriesId, from, count });
    hit.catch(() => cache.delete(key));
  }
  cache.set(key, hit);
  while (cache.size > KEEP) cache.delete(cache.keys().next().value as string);
  return hit;
}

/** Bars of a series changed (re-import): drop what we kept. */
export function forgetSeries(seriesId: string): void {
  for (const key of [...cache.keys()]) if (key.startsWith(seriesId + ':')) cache.delete(key);
}

/** Series index of a bar time inside a chunk (binary search), or -1. */
export function indexOfTime(chunk: BarsChunk, time: number): number {
  let lo = 0;
  let hi = chunk.time.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = chunk.time[mid];
    if (t === time) return chunk.from + mid;
    if (t < time) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function timeAtIndex(chunk: BarsChunk, index: number): number {
  return chunk.time[index - chunk.from];
}
