/**
 * The plumbing every drawing primitive of ours shares (lightweight-charts' plugin pattern): it
 * holds one piece of state, `set` replaces it and asks the chart to redraw, and its pane views are
 * renderers at a fixed z-order. Subclasses only say what to draw.
 */
import type {
  IChartApi,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesPrimitive,
  PrimitivePaneViewZOrder,
  SeriesAttachedParameter,
  Time,
} from 'lightweight-charts';

/** A pane view that always hands out the same renderer at the same z-order. */
export class FixedPaneView implements IPrimitivePaneView {
  constructor(
    private readonly r: IPrimitivePaneRenderer,
    private readonly z: PrimitivePaneViewZOrder,
  ) {}
  zOrder() {
    return this.z;
  }
  renderer() {
    return this.r;
  }
}

export abstract class StatePrimitive<S> implements ISeriesPrimitive<Time> {
  chart: IChartApi | null = null;
  private requestUpdate: (() => void) | null = null;
  /** Created on first use: subclasses build them from `this`, after their own fields exist. */
  private views: readonly IPrimitivePaneView[] | null = null;

  constructor(public state: S) {}

  /** What draws, and where: one view per layer (e.g. bands behind the candles, text on top). */
  protected abstract makeViews(): readonly IPrimitivePaneView[];

  attached(param: SeriesAttachedParameter<Time>): void {
    this.chart = param.chart;
    this.requestUpdate = param.requestUpdate;
  }

  detached(): void {
    this.chart = null;
    this.requestUpdate = null;
  }

  paneViews() {
    return (this.views ??= this.makeViews());
  }

  set(state: S): void {
    this.state = state;
    this.requestUpdate?.();
  }
}
