import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../test/tmp';
import { fixture } from '../../../test/fixtures';
import { DataError, readDocuments, type DataFile } from './index';

const dir = tempDirs('gpt2-studio-data-')();
/** Write a real file and read it back, as the CLI does. */
function file(name: string, content: string | Uint8Array): DataFile {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return { name, bytes: new Uint8Array(readFileSync(p)) };
}
const fixtureFile = (...parts: string[]): DataFile => ({ name: parts.at(-1)!, bytes: new Uint8Array(readFileSync(fixture(...parts))) });
const bodies = readFileSync(fixture('emails/dev/bodies.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);

async function dataError(f: DataFile, opts = {}): Promise<string> {
  const err = await readDocuments(f, opts).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  return (err as DataError).message;
}

describe('fixtures', () => {
  it('reads the 40 SpamAssassin bodies from bodies.jsonl as they are', async () => {
    expect(await readDocuments(fixtureFile('emails/dev/bodies.jsonl'))).toEqual(bodies);
  });

  it('reads messages.mbox as 40 "Subject: …" documents holding the decoded bodies', async () => {
    const docs = await readDocuments(fixtureFile('emails/dev/messages.mbox'));
    expect(docs).toHaveLength(40);
    const mbox = readFileSync(fixture('emails/dev/messages.mbox'), 'utf8');
    const subjects = [...mbox.matchAll(/^From [^\n]*\n(?:[^\n]+\n)*?Subject: ([^\n]*)\n/gm)].map((m) => m[1]);
    expect(subjects).toHaveLength(40);
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim(); // format=flowed rejoins lines
    docs.forEach((doc, i) => {
      expect(doc.slice(0, doc.indexOf('\n\n'))).toBe(`Subject: ${squash(subjects[i])}`); // postal-mime squashes spaces
      let body = bodies[i].replace(/^>(>*From )/gm, '$1'); // bodies.jsonl keeps the mbox's >From escaping
      const firstPart = /^(--[^\n]+)\n(?:[^\n]+\n)*\n([\s\S]*?)\n\1/.exec(body); // multipart/signed: the text part
      if (firstPart) body = firstPart[2];
      // Two messages declare ISO-8859-1 but the fixture stores U+FFFD as UTF-8 bytes: decoding as declared
      // gives its Latin-1 reading, which shows the part's charset was applied.
      const text = doc.replaceAll('ï¿½', '\ufffd');
      expect(squash(text)).toContain(squash(body));
    });
    expect(docs[13]).not.toContain('BEGIN PGP SIGNATURE');
    expect(docs[3]).toContain('\n>From the September 2002 issue'); // mboxrd: one ">" removed
  });
});

describe('text', () => {
  it('.txt is one document, taken as is', async () => {
    expect(await readDocuments(file('a.txt', '  hello\nworld\n\n'))).toEqual(['  hello\nworld\n\n']);
  });
  it('.txt split on textSeparator drops empty pieces', async () => {
    const f = file('b.TXT', 'one\n\ntwo\nlines\n\n\n\nthree\n');
    expect(await readDocuments(f, { textSeparator: '\n\n' })).toEqual(['one', 'two\nlines', 'three\n']);
  });
  it('drops a UTF-8 BOM and keeps non-ASCII text', async () => {
    expect(await readDocuments(file('c.txt', '\ufeffcafé ☕ 日本'))).toEqual(['café ☕ 日本']);
  });
});

describe('jsonl and json', () => {
  it('.jsonl: field textColumn, blank lines and CRLF skipped', async () => {
    const f = file('d.jsonl', '{"text":"a\\nb","x":1}\r\n\r\n   \n{"body":"no","text":"  c  "}\n');
    expect(await readDocuments(f)).toEqual(['a\nb', '  c  ']);
    expect(await readDocuments(file('e.jsonl', '{"body":"x"}\n{"body":"y"}'), { textColumn: 'body' })).toEqual(['x', 'y']);
  });
  it('.json: array of objects, {"data": [...]}, object of columns, JSON Lines in .json', async () => {
    expect(await readDocuments(file('f.json', '[{"text":"a"},{"text":"b"}]'))).toEqual(['a', 'b']);
    expect(await readDocuments(file('g.json', '{"version":"1","data":[{"text":"a"}]}'))).toEqual(['a']);
    expect(await readDocuments(file('h.json', '{"text":["a","b"],"label":[0,1]}'))).toEqual(['a', 'b']);
    expect(await readDocuments(file('i.json', '{"text":"a"}\n{"text":"b"}\n'))).toEqual(['a', 'b']);
    expect(await readDocuments(file('j.json', '{"text":"only"}'))).toEqual(['only']);
  });
  it('errors name the file, the line, the field and the fields found', async () => {
    expect(await dataError(file('k.jsonl', '{"text":"a"}\n{"body":"b","id":2}\n'))).toBe(
      "k.jsonl:2: no field 'text'; fields found: body, id",
    );
    expect(await dataError(file('l.jsonl', '{"text":"a"}\n\n{"text": oops}\n'))).toMatch(/^l\.jsonl:3: malformed JSON/);
    expect(await dataError(file('m.jsonl', '["a"]\n'))).toBe('m.jsonl:1: expected a JSON object, found an array');
    expect(await dataError(file('n.jsonl', '{"text":3}\n'))).toBe("n.jsonl:1 field 'text': expected a string, found number");
    expect(await dataError(file('o.json', '[{"text":"a"},{"txt":"b"}]'))).toBe("o.json: record 2: no field 'text'; fields found: txt");
    expect(await dataError(file('p.json', '[{"text":"a"},'))).toMatch(/^p\.json: malformed JSON/);
    expect(await dataError(file('q.json', '{"a":1,"b":2}'))).toMatch(/^q\.json: no column 'text'.*keys found: a, b/);
    expect(await dataError(file('r.jsonl', '\n  \n'))).toBe('r.jsonl: no documents found');
  });
});

describe('csv', () => {
  it('reads the text column, with quoted commas, quotes, newlines and CRLF rows', async () => {
    const f = file('s.csv', 'id,text\r\n1,"Hello, ""world""\nsecond line"\r\n2,plain\r\n\r\n3,\r\n');
    expect(await readDocuments(f)).toEqual(['Hello, "world"\nsecond line', 'plain', '']);
  });
  it('.tsv and another column', async () => {
    expect(await readDocuments(file('t.tsv', 'body\tid\nx, y\t1\n'), { textColumn: 'body' })).toEqual(['x, y']);
  });
  it('a missing column names the column, the file, the line and the columns found', async () => {
    expect(await dataError(file('u.csv', 'id,body\n1,x\n'))).toMatch(
      /^u\.csv: line 1 \(the header\) has no column 'text'; columns found: id, body/,
    );
  });
  it('refuses an unterminated quote and a row without the text field', async () => {
    expect(await dataError(file('v.csv', 'text\n"ok"\n"never closed\nmore\n'))).toMatch(/^v\.csv: line 3: Quoted field unterminated/);
    expect(await dataError(file('w.csv', 'id,text\n1,a\n2\n'))).toBe("w.csv: data row 2 (after the header) has no value in column 'text'");
  });
});

describe('errors common to all formats', () => {
  it('empty file', async () => {
    expect(await dataError(file('emails.txt', ''))).toBe('emails.txt: the file is empty');
    expect(await dataError(file('empty.mbox', ''))).toBe('empty.mbox: the file is empty');
  });
  it('binary file: NUL bytes, or mostly control characters', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await dataError(file('x.txt', png))).toBe('x.txt: looks like a binary file, expected text');
    const controls = new Uint8Array(200).map((_, i) => (i % 3 === 0 ? 0x41 : 1 + (i % 7)));
    expect(await dataError(file('y.jsonl', controls))).toBe('y.jsonl: looks like a binary file, expected text');
    expect(await dataError(file('z.mbox', png))).toBe('z.mbox: looks like a binary file, expected text');
  });
  it('invalid UTF-8 gives the byte offset and line of the bad sequence', async () => {
    const latin1 = new Uint8Array([...Buffer.from('ok\ncaf'), 0xe9, ...Buffer.from(' au lait\n')]);
    expect(await dataError(file('latin1.txt', latin1))).toBe(
      'latin1.txt: invalid UTF-8 at byte 6 (line 2); expected UTF-8 text, save the file as UTF-8',
    );
    const truncated = new Uint8Array([...Buffer.from('{"text":"a"}\nab'), 0xe2, 0x82]);
    expect(await dataError(file('cut.jsonl', truncated))).toMatch(/^cut\.jsonl: invalid UTF-8 at byte 15 \(line 2\)/);
  });
  it('unsupported extension lists the supported ones', async () => {
    const msg = await dataError(file('data.parquet', 'x'));
    expect(msg).toMatch(/^data\.parquet: unsupported file type '\.parquet'; supported: \.txt, \.jsonl, \.json, \.csv/);
    expect(msg).toContain('.mbox, .eml');
    expect(await dataError(file('README', 'x'))).toMatch(/'\(no extension\)'/);
  });
});
