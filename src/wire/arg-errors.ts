// Errors for wrong arguments at the public entry points, with the stable `code` Node uses for the
// same mistake (ERR_INVALID_ARG_TYPE: wrong kind of value; ERR_INVALID_ARG_VALUE: right kind, value
// not allowed). Hostile *bytes* never throw (they come back as result values); these are for a
// caller passing, say, null where a Uint8Array belongs.

export type ArgErrorCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';

export interface ArgError extends Error {
  code: ArgErrorCode;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `type string (${JSON.stringify(value.length > 28 ? value.slice(0, 25) + '...' : value)})`;
  if (typeof value === 'object') return `an instance of ${(value as object).constructor?.name ?? 'Object'}`;
  return `type ${typeof value} (${String(value)})`;
}

/** TypeError, code ERR_INVALID_ARG_TYPE: `The "name" argument must be <expected>. Received <value>`. */
export function invalidArgType(name: string, expected: string, value: unknown): ArgError {
  const e = new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(value)}`) as TypeError & ArgError;
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

/** An error of class `cls` (TypeError by default), code ERR_INVALID_ARG_VALUE, with `message`. */
export function invalidArgValue(message: string, cls: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor = TypeError): ArgError {
  const e = new cls(message) as Error & ArgError;
  e.code = 'ERR_INVALID_ARG_VALUE';
  return e;
}
