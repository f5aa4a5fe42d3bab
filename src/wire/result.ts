// Result values for wire parsing. Parsers never throw on hostile bytes (CONVENTIONS.md habit 4):
// they return `{ ok: false, error }` naming the field that failed and the byte offset where it sits.

/** Stable error codes; tests and callers may switch on them. */
export type WireErrorCode =
  | 'TRUNCATED' // the buffer ends before the field
  | 'BAD_VERSION' // IP version nibble is not the expected one
  | 'BAD_IHL' // IPv4 header length < 5 words
  | 'BAD_LENGTH' // a length field is inconsistent (too small, or larger than what contains it)
  | 'BAD_OPTION' // a TCP option (or IP option) is malformed
  | 'BAD_CHECKSUM' // checksum verification failed
  | 'BAD_EXT_HEADER' // IPv6 extension header malformed or out of order (RFC 8200 §4.1)
  | 'TOO_MANY_EXT_HEADERS' // more IPv6 extension headers than the walk allows
  | 'BAD_DATA_OFFSET' // TCP data offset < 5 words
  | 'UNSUPPORTED'; // well-formed but not something this decoder handles (e.g. non-first fragment)

export interface WireError {
  code: WireErrorCode;
  /** Name of the header field at fault, e.g. 'totalLength', 'options.mss', 'dataOffset'. */
  field: string;
  /** Byte offset of that field, relative to the start of the buffer passed to the parser. */
  offset: number;
  /** One human-readable sentence. */
  message: string;
}

export type WireResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

export function wireOk<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function wireError(code: WireErrorCode, field: string, offset: number, message: string): WireError {
  return { code, field, offset, message };
}

export function wireFail(code: WireErrorCode, field: string, offset: number, message: string): { ok: false; error: WireError } {
  return { ok: false, error: { code, field, offset, message } };
}
