/**
 * The labelling screen's keys, in one table: the key handler dispatches from it and the help
 * overlay (?) lists it, so the two can never disagree.
 */
export type ActionId =
  | 'type'
  | 'delete'
  | 'undo'
  | 'redo'
  | 'prev'
  | 'next'
  | 'nextUnlabelled'
  | 'nextConflict'
  | 'noSpan'
  | 'confDown'
  | 'confUp'
  | 'escape'
  | 'help'
  | 'home'
  | 'theme'
  | 'reviewAccept'
  | 'reviewReject'
  | 'reviewNextDisagreement'
  | 'reviewNextUnsure';

export interface Binding {
  action: ActionId;
  keys: string;
  help: string;
  /** Only active in this mode (the help overlay groups them). */
  mode?: 'review';
  match(e: KeyboardEvent): boolean;
}

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const plain = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey;

export const BINDINGS: Binding[] = [
  { action: 'type', keys: '1 … 9', help: 'Retype the selected span (or pick the type of the next one)', match: (e) => plain(e) && /^[1-9]$/.test(e.key) },
  { action: 'delete', keys: 'Delete / Backspace', help: 'Delete the selected span', match: (e) => plain(e) && (e.key === 'Delete' || e.key === 'Backspace') },
  { action: 'undo', keys: 'Ctrl/⌘ Z', help: 'Undo', match: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === 'z' },
  {
    action: 'redo',
    keys: 'Shift Ctrl/⌘ Z, Ctrl Y',
    help: 'Redo',
    match: (e) => mod(e) && ((e.shiftKey && e.key.toLowerCase() === 'z') || e.key.toLowerCase() === 'y'),
  },
  { action: 'prev', keys: '[', help: 'Previous window', match: (e) => plain(e) && e.key === '[' },
  { action: 'next', keys: ']', help: 'Next window', match: (e) => plain(e) && e.key === ']' },
  { action: 'nextUnlabelled', keys: 'U', help: 'Next unlabelled window', match: (e) => plain(e) && e.key.toLowerCase() === 'u' },
  { action: 'nextConflict', keys: 'C', help: 'Next open conflict (shows both windows)', match: (e) => plain(e) && e.key.toLowerCase() === 'c' },
  { action: 'noSpan', keys: 'N', help: 'Mark this window reviewed: no span here (toggle)', match: (e) => plain(e) && e.key.toLowerCase() === 'n' },
  { action: 'confDown', keys: '−', help: 'Lower the selected span’s confidence by 0.1', match: (e) => plain(e) && (e.key === '-' || e.key === '_') },
  { action: 'confUp', keys: '+', help: 'Raise the selected span’s confidence by 0.1', match: (e) => plain(e) && (e.key === '=' || e.key === '+') },
  { action: 'escape', keys: 'Esc', help: 'Clear the selection, leave the conflict view, close this help', match: (e) => e.key === 'Escape' },
  { action: 'help', keys: '?', help: 'Show or hide this help', match: (e) => e.key === '?' },
  { action: 'home', keys: 'H', help: 'Back to the project home', match: (e) => plain(e) && e.key.toLowerCase() === 'h' },
  { action: 'theme', keys: 'T', help: 'Toggle light/dark theme', match: (e) => plain(e) && e.key.toLowerCase() === 't' },
  {
    action: 'reviewAccept',
    keys: 'A',
    mode: 'review',
    help: 'Accept the prediction: its spans become this window’s labels (no span predicted: mark “no span”)',
    match: (e) => plain(e) && e.key.toLowerCase() === 'a',
  },
  {
    action: 'reviewReject',
    keys: 'X',
    mode: 'review',
    help: 'Reject the prediction (labels stay as they are; again to clear)',
    match: (e) => plain(e) && e.key.toLowerCase() === 'x',
  },
  {
    action: 'reviewNextDisagreement',
    keys: 'D',
    mode: 'review',
    help: 'Next undecided disagreement (missed, extra, type, boundary)',
    match: (e) => plain(e) && e.key.toLowerCase() === 'd',
  },
  {
    action: 'reviewNextUnsure',
    keys: 'Q',
    mode: 'review',
    help: 'Next window in the “least sure” queue (to label next)',
    match: (e) => plain(e) && e.key.toLowerCase() === 'q',
  },
];

/** Mouse gestures, listed in the help overlay next to the keys. */
export const GESTURES: Array<[string, string]> = [
  ['Drag across bars', 'Create a span of the active type (clamped to the window)'],
  ['Drag a span’s edge', 'Resize it (the cursor changes near an edge)'],
  ['Click a span', 'Select it'],
  ['Mouse wheel', 'Zoom/scroll the chart'],
];
