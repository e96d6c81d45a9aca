import type { ReviewWindowRow } from '../../core/review/types.ts';

const HOUR = 3_600_000;

/**
 * A review row for queue tests: windows of 10 bars (hours) with stride 5, so neighbours overlap by
 * half; window `index` has id index + 1, no labels, no prediction, role 'train'.
 */
export function queueRow(index: number, uncertainty: number, extra: Partial<ReviewWindowRow> = {}): ReviewWindowRow {
  const startTime = index * 5 * HOUR;
  return {
    windowId: index + 1,
    seriesId: 's',
    index,
    startTime,
    endTime: startTime + 9 * HOUR,
    status: 'unlabelled',
    uncertainty,
    predicted: [],
    labelCount: 0,
    decision: null,
    role: 'train',
    unconfirmed: 0,
    ...extra,
  };
}
