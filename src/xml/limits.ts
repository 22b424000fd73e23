/** The parser's default limits (ParseOptions), apart so that encoding.ts and dom.ts share them. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 512;
