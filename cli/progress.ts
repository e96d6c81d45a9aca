/** A one-line progress bar on stderr (only on a terminal: logs and pipes get no control characters). */
export class ProgressBar {
  private lastDraw = 0;
  private active = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(label: string, fraction: number, suffix = ''): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 80 && fraction < 1) return;
    this.lastDraw = now;
    const width = 28;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.stream.write(`\r\x1b[2K${label.padEnd(10)} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${suffix}`);
    this.active = true;
  }

  done(): void {
    if (this.active && this.stream.isTTY) this.stream.write('\r\x1b[2K');
    this.active = false;
  }
}

export function formatDuration(seconds: number | null): string {
  if (seconds == null || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}
