import PostalMime, { decodeWords } from 'postal-mime';
import { htmlToText } from './html';
import { concatBytes } from './text';

/**
 * Split an mbox into its messages' raw bytes as the bytes arrive: push() each chunk, then end(); each returns the
 * messages completed so far. Written here because postal-mime parses one message and there is no small
 * browser-safe mbox library; the format is only a line convention. A line starting "From " opens a message (and
 * is not part of it); the blank line an mbox writer puts before it is dropped; ">From " lines are unescaped
 * mboxrd-style (one ">" removed from ">…>From "). Works on bytes, not text: each message may use its own
 * charset, which postal-mime decodes.
 */
export class MboxSplitter {
  private lines: Uint8Array[] | null = null; // lines of the current message, each with its line ending
  private partial: Uint8Array[] = []; // the pieces of a line not ended yet
  /** True once a "From " line was seen. */
  found = false;

  push(chunk: Uint8Array): Uint8Array[] {
    const messages: Uint8Array[] = [];
    for (let start = 0; start < chunk.length; ) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) {
        this.partial.push(chunk.subarray(start));
        break;
      }
      const piece = chunk.subarray(start, nl + 1);
      this.line(this.partial.length ? concatBytes([...this.partial, piece]) : piece, messages);
      this.partial = [];
      start = nl + 1;
    }
    return messages;
  }

  end(): Uint8Array[] {
    const messages: Uint8Array[] = [];
    if (this.partial.length) this.line(concatBytes(this.partial), messages);
    this.partial = [];
    this.finish(messages);
    return messages;
  }

  private line(line: Uint8Array, messages: Uint8Array[]): void {
    if (startsWith(line, 0, FROM_)) {
      this.finish(messages);
      this.lines = [];
      this.found = true;
    } else if (this.lines) {
      let gt = 0;
      while (line[gt] === GT) gt++;
      this.lines.push(gt > 0 && startsWith(line, gt, FROM_) ? line.subarray(1) : line);
    }
    // Text before the first "From " line is not a message (e.g. a stray blank line): ignored.
  }

  private finish(messages: Uint8Array[]): void {
    const lines = this.lines;
    if (!lines) return;
    const last = lines.at(-1);
    if (last && (last.length === 1 || (last.length === 2 && last[0] === CR)) && last.at(-1) === LF) lines.pop();
    messages.push(concatBytes(lines));
    this.lines = null;
  }
}

/**
 * One email as a training document: "Subject: <decoded subject>\n\n<text body>" (or, with keepHeaders, the
 * raw header block, a blank line and the body). postal-mime decodes MIME, quoted-printable, base64,
 * charsets and format=flowed. An HTML-only message is converted to plain text. If the MIME structure is
 * broken (parse error, no readable part, or a part that decodes to junk), the raw body is used instead, so
 * one bad message never aborts a whole mailbox.
 */
export async function emailToDocument(raw: Uint8Array, keepHeaders = false): Promise<string> {
  const { header, body: rawBody } = splitHeader(new TextDecoder().decode(raw).replace(/\r\n/g, '\n'));
  let subject: string | undefined;
  let body: string | undefined;
  try {
    const email = await PostalMime.parse(raw);
    subject = email.subject;
    body = email.text ?? (email.html !== undefined ? htmlToText(email.html) : undefined);
    if (body === undefined && email.attachments.length > 0) body = ''; // attachments only: no text to learn from
    if (body !== undefined && looksLikeJunk(body)) body = undefined; // e.g. "base64" that was not base64
  } catch {
    // broken beyond what postal-mime tolerates: fall back below
  }
  body = (body ?? rawBody).replace(/\r\n/g, '\n'); // wire-format CRLF is not part of the text
  if (keepHeaders) return `${header}\n\n${body}`;
  return `Subject: ${subject ?? decodeWords(subjectHeader(header))}\n\n${body}`;
}

/** Decoded text that is largely replacement or control characters came from a wrongly declared encoding. */
function looksLikeJunk(text: string): boolean {
  const bad = text.match(/[\ufffd\u0000-\u0007\u000e-\u001a\u001c-\u001f]/g)?.length ?? 0;
  return bad > text.length * 0.1;
}

/** The header block (up to the first empty line) and the raw body after it. */
function splitHeader(message: string): { header: string; body: string } {
  if (message.startsWith('\n')) return { header: '', body: message.slice(1) };
  const blank = message.indexOf('\n\n');
  return blank < 0 ? { header: message.replace(/\n$/, ''), body: '' } : { header: message.slice(0, blank), body: message.slice(blank + 2) };
}

/** The Subject header's value from a raw header block, with folded lines joined. */
function subjectHeader(header: string): string {
  const match = /^subject:[ \t]*(.*(?:\n[ \t].*)*)/im.exec(header);
  return match ? match[1].replace(/\n[ \t]+/g, ' ').trim() : '';
}

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const FROM_ = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "

function startsWith(line: Uint8Array, at: number, prefix: number[]): boolean {
  return prefix.every((b, i) => line[at + i] === b);
}
