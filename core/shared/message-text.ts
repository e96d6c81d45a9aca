/**
 * Text taken from a user's file, made safe to put in an error message: control characters (a
 * terminal escape, a stray NUL) become '�' and the length is capped, so a message stays one
 * readable line of bounded size whatever the file holds.
 */
export const MAX_MESSAGE_CHARS = 500;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function clipMessage(text: string, max: number = MAX_MESSAGE_CHARS): string {
  const clean = text.replace(CONTROL, '\ufffd');
  return clean.length > max ? `${clean.slice(0, max)}… (${clean.length - max} more characters)` : clean;
}
