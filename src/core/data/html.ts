/**
 * Plain text of an HTML email body, by string rewriting only: no DOM exists in a worker or Node, and nothing
 * in the HTML is ever run or fetched. Scripts, styles and comments are dropped with their content, block
 * tags become line breaks, other tags vanish, entities are decoded (last, so "&lt;b&gt;" stays text).
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(/<(script|style|head|title|template|noscript)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, '')
    .replace(/\s+/g, ' ') // source line breaks are spaces in HTML
    .replace(/<\/?(?:p|div|h[1-6]|ul|ol|dl|table|blockquote|pre|section|article|header|footer)\b[^>]*>/gi, '\n\n')
    .replace(/<(?:br|li|tr|dt|dd|hr)\b[^>]*>/gi, '\n') // one line per item or row
    .replace(/<[a-z!/?][^>]*>/gi, '');
  return decodeEntities(text)
    .replace(/[ \t\u00a0]*\n[ \t\u00a0]*/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// The entities mail clients actually emit; unknown names are left as written.
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•',
  middot: '·', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', deg: '°', times: '×', laquo: '«',
  raquo: '»', iexcl: '¡', iquest: '¿', eacute: 'é', egrave: 'è', agrave: 'à', aacute: 'á', ccedil: 'ç',
  uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß', ntilde: 'ñ', oacute: 'ó', iacute: 'í', uacute: 'ú',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));?/gi, (match: string, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? match;
    const code = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
  });
}
