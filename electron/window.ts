/**
 * The main window's construction options. A pure function (Electron types only), so the hardening
 * is asserted by a unit test as well as by electronegativity and the Playwright Electron test.
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 800 };
const MIN = { width: 720, height: 480 };

export interface WindowOptionsInput {
  preload: string;
  bounds?: WindowBounds | null;
  dev?: boolean;
  dark?: boolean;
}

/** Any BrowserWindow-like constructor: Electron's, or a recorder in tests. */
export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * Creates the main window. The options are one literal at the `new BrowserWindow(...)` call so
 * electronegativity's checks see the real webPreferences.
 */
export function createMainWindow<W>(BrowserWindow: WindowConstructor<W>, opts: WindowOptionsInput): W {
  const b = opts.bounds ?? DEFAULT_BOUNDS;
  return new BrowserWindow({
    ...(b.x !== undefined && b.y !== undefined ? { x: b.x, y: b.y } : {}),
    width: Math.max(MIN.width, b.width),
    height: Math.max(MIN.height, b.height),
    minWidth: MIN.width,
    minHeight: MIN.height,
    title: 'Candlemark',
    show: false, // shown on 'ready-to-show', so no white flash
    backgroundColor: opts.dark ? '#131722' : '#ffffff',
    webPreferences: {
      // Reviewed (bin/check-electronegativity.js REVIEWED_ANNOTATIONS): the sandboxed contextBridge preload is the host contract.
      preload: opts.preload /* eng-disable PRELOAD_JS_CHECK */,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click (auxclick) could otherwise open links in new windows.
      disableBlinkFeatures: 'Auxclick',
      devTools: opts.dev ?? false,
    },
  });
}

/** The options createMainWindow passes to BrowserWindow (for tests and reviews). */
export function windowOptions(opts: WindowOptionsInput): BrowserWindowConstructorOptions {
  let captured: BrowserWindowConstructorOptions | undefined;
  createMainWindow(
    class {
      constructor(o: BrowserWindowConstructorOptions) {
        captured = o;
      }
    },
    opts,
  );
  return captured as BrowserWindowConstructorOptions;
}

/** Keeps remembered bounds only when they still overlap a display (monitors come and go). */
export function visibleBounds(bounds: WindowBounds | null | undefined, workAreas: Rectangle[]): WindowBounds | null {
  if (!bounds || !Number.isFinite(bounds.width) || !Number.isFinite(bounds.height)) return null;
  if (bounds.x === undefined || bounds.y === undefined) return { width: bounds.width, height: bounds.height, maximized: bounds.maximized };
  const { x, y } = bounds;
  const visible = workAreas.some((a) => x < a.x + a.width - 50 && x + bounds.width > a.x + 50 && y < a.y + a.height - 50 && y + bounds.height > a.y);
  return visible ? bounds : { width: bounds.width, height: bounds.height, maximized: bounds.maximized };
}
