/**
 * The renderer writes the service's result types out by hand (renderer/src/api/types.ts), because
 * importing core/service/service.ts would pull Node into its type graph. This file keeps the two in
 * step: `npm run typecheck` fails here if a handler's real result no longer fits what the renderer
 * expects. The runtime test only makes sure vitest reports the file.
 */
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../core/service/service.ts';
import type { KnownResults } from '../../renderer/src/api/types.ts';
import type { CommandName } from '../../core/service/schemas.ts';

/** Resolves to `true` only when A is assignable to B; otherwise to a message naming the command. */
type Fits<K extends string, A, B> = [A] extends [B] ? true : { error: `the result of ${K} no longer matches renderer/src/api/types.ts` };

type Conformance = { [K in keyof KnownResults & CommandName]: Fits<K, CommandResult<K>, KnownResults[K]> };
type AllTrue<T> = { [K in keyof T]: T[K] extends true ? true : T[K] };

// Each entry must be `true`; a mismatch becomes a type error on the line below, naming the command.
const conformance: AllTrue<Conformance> = {} as { [K in keyof Conformance]: true };
// Every key of KnownResults is a real command (a renamed command would otherwise drop out silently).
const known: Exclude<keyof KnownResults, CommandName> extends never ? true : false = true;

describe('renderer result types', () => {
  it('are checked against the handlers by the typecheck', () => {
    expect(known).toBe(true);
    expect(conformance).toEqual({});
  });
});
