import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../test/tmp';
import { MboxSplitter } from './email';
import { DataError, htmlToText, readDocuments, type DataFile } from './index';

const dir = tempDirs('gpt2-studio-email-')();
function file(name: string, content: string | Uint8Array): DataFile {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return { name, bytes: new Uint8Array(readFileSync(p)) };
}
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const utf8 = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

// A multipart/mixed message: an alternative (quoted-printable text + HTML), a base64 text part, an
// ISO-8859-1 8-bit part and a PDF attachment. Its bytes are Latin-1 where the part says so.
const multipart = latin1(
  [
    'From: Ann <ann@example.org>',
    'To: bob@example.org',
    'Subject: =?UTF-8?B?' + b64('Café ☕') + '?= =?ISO-8859-1?Q?d=E9j=E0?= vu',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'This is a multi-part message in MIME format.',
    '--outer',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Caf=C3=A9 au lait, a soft=',
    ' break and =3D sign.',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>HTML alternative, not used</p>',
    '--alt--',
    '--outer',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64('Base64 part: 日本語\n'),
    '--outer',
    'Content-Type: text/plain; charset=ISO-8859-1',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Latin-1 part: na\u00efve gar\u00e7on',
    '--outer',
    'Content-Type: application/pdf; name="x.pdf"',
    'Content-Disposition: attachment; filename="x.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    b64('%PDF-1.4 secret attachment'),
    '--outer--',
    '',
  ].join('\r\n'),
);

const htmlOnly = [
  'Subject: Offer',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><head><title>t</title><style>p { color: red }</style></head><body>',
  '<p>Hello &amp; welcome,<br>friend&nbsp;&#8212; see &lt;script&gt; &#x263A;</p>',
  '<script type="text/javascript">document.location = "http://evil.example/"</script>',
  '<!-- hidden comment --><div>Bye <b>now</b></div><img src=x onerror="alert(1)">',
  '</body></html>',
  '',
].join('\n');

describe('.eml', () => {
  it('decodes subject words, quoted-printable, base64 and ISO-8859-1 parts, skipping HTML alternatives and attachments', async () => {
    const [doc] = await readDocuments(file('multi.eml', multipart));
    expect(doc.startsWith('Subject: Café ☕déjà vu\n\n')).toBe(true); // RFC 2047: the space between encoded words goes
    expect(doc).toContain('Café au lait, a soft break and = sign.');
    expect(doc).toContain('Base64 part: 日本語');
    expect(doc).toContain('Latin-1 part: naïve garçon');
    expect(doc).not.toMatch(/HTML alternative|PDF|secret|Content-Type|--outer|\r/);
  });

  it('keepHeaders keeps the raw header block before the body', async () => {
    const [doc] = await readDocuments(file('multi2.eml', multipart), { keepHeaders: true });
    expect(doc.startsWith('From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: =?UTF-8?B?')).toBe(true);
    expect(doc).toContain('Content-Type: multipart/mixed; boundary="outer"\n\nCafé au lait');
  });

  it('converts an HTML-only body to text, dropping scripts, styles and comments', async () => {
    const [doc] = await readDocuments(file('html.eml', htmlOnly));
    expect(doc).toBe('Subject: Offer\n\nHello & welcome,\nfriend\u00a0— see <script> ☺\n\nBye now');
  });

  it('a message without Subject gets an empty one', async () => {
    expect(await readDocuments(file('nosubject.eml', 'From: a@b\n\nbody\n'))).toEqual(['Subject: \n\nbody\n']);
  });
});

describe('.mbox', () => {
  const mbox = [
    '', // text before the first From line is not a message
    'From alice@example.org Mon Jan  1 00:00:00 2024',
    'Subject: one',
    '',
    'First body.',
    '>From the escaped line',
    '>>From a doubly escaped one',
    '> From a quote, not an escape',
    '',
    'From bob@example.org Mon Jan  1 00:00:01 2024',
    'Subject: broken',
    'Content-Type: multipart/mixed',
    '',
    'No boundary parameter: the raw body is used.',
    '',
    'From carol@example.org Mon Jan  1 00:00:02 2024',
    'Subject: junk base64',
    'Content-Transfer-Encoding: base64',
    '',
    '!!not base64, kept as written',
    '',
    'From dave@example.org Mon Jan  1 00:00:03 2024',
    'Subject: =?ISO-8859-1?Q?last_=E9?=',
    'Content-Type: multipart/alternative; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Unterminated multipart still yields its part.',
    '--b',
    'Content-Type: text/plain',
  ].join('\n');

  it('splits on From lines, unescapes >From (mboxrd), and survives broken MIME', async () => {
    expect(await readDocuments(file('box.mbox', mbox))).toEqual([
      'Subject: one\n\nFirst body.\nFrom the escaped line\n>From a doubly escaped one\n> From a quote, not an escape\n',
      'Subject: broken\n\nNo boundary parameter: the raw body is used.\n',
      'Subject: junk base64\n\n!!not base64, kept as written\n',
      'Subject: last é\n\nUnterminated multipart still yields its part.\n\n', // + the empty second part
    ]);
  });

  it('handles CRLF mailboxes and keeps each message in its own charset', async () => {
    const crlf = new Uint8Array([
      ...latin1('From x Mon Jan  1 00:00:00 2024\r\nSubject: a\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nd\u00e9j\u00e0\r\n\r\n'),
      ...Buffer.from('From y Mon Jan  1 00:00:00 2024\r\nSubject: b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ndéjà\r\n'),
    ]);
    expect(await readDocuments(file('crlf.mbox', crlf))).toEqual(['Subject: a\n\ndéjà\n', 'Subject: b\n\ndéjà\n']);
  });

  it('MboxSplitter drops the From line and the separating blank line only, wherever the chunks end', () => {
    const bytes = new Uint8Array(Buffer.from('From a\nX: 1\n\nbody\n\n\nFrom b\nX: 2\n\nlast'));
    const split = (size: number) => {
      const splitter = new MboxSplitter();
      const out: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) out.push(...splitter.push(bytes.subarray(at, at + size)));
      return [...out, ...splitter.end()].map(utf8);
    };
    for (const size of [1, 2, 5, 1000]) expect(split(size)).toEqual(['X: 1\n\nbody\n\n', 'X: 2\n\nlast']);
  });

  it('a file with no From line is not an mbox', async () => {
    const err = await readDocuments(file('notmbox.mbox', 'Subject: x\n\nbody\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe('notmbox.mbox: no "From " line found; expected an mbox mailbox');
  });
});

describe('htmlToText', () => {
  it('drops unclosed scripts and comments, keeps unknown entities and non-tag "<"', () => {
    expect(htmlToText('a < b &bogus; &amp;lt;<script>never closed')).toBe('a < b &bogus; &lt;');
    expect(htmlToText('x<!-- open comment')).toBe('x');
    expect(htmlToText('<ul><li>one</li><li>two</li></ul>')).toBe('one\ntwo');
  });
});
