/**
 * What serializing a document parsed from `text` gives: `text` itself when every line ends with
 * CR LF, else `text` with XML's line ends (CR LF and lone CR read as LF).
 */
export function writtenBack(text: string): string {
  const crLfThroughout = text.includes('\r\n') && !/\r(?!\n)|(?<!\r)\n/.test(text);
  return crLfThroughout ? text : text.replace(/\r\n?/g, '\n');
}
