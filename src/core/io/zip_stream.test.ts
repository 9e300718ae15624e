// The streamed zip against fflate's own reader: the files come back exactly, and the weights pass through in the
// stream's own pieces (no entry is gathered whole).
import { describe, it, expect } from 'vitest';
import { unzipSync } from 'fflate';
import { zipStream } from './zip_stream';
import type { FolderFiles } from './files';

describe('zipStream', () => {
  it('writes every file of a folder, stored or deflated, in pieces no larger than the stream gave', async () => {
    const weights = new Uint8Array(3_000_000).map((_, i) => (i * 7919) % 251);
    const piece = 1 << 20;
    const files: FolderFiles = new Map<string, Uint8Array | { size: number; chunks(): AsyncIterable<Uint8Array> }>([
      ['config.json', new TextEncoder().encode('{"model_type": "gpt2"}\n'.repeat(50))],
      ['model.safetensors', { size: weights.length, async *chunks() { for (let i = 0; i < weights.length; i += piece) yield weights.slice(i, i + piece); } }],
      ['vocab.json', new TextEncoder().encode('{}')],
    ]);
    const chunks: Uint8Array[] = [];
    for await (const c of zipStream(files)) chunks.push(c);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(piece);
    const zip = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => { zip.set(c, at); return at + c.length; }, 0);
    const back = unzipSync(zip);
    expect(Object.keys(back)).toEqual(['config.json', 'model.safetensors', 'vocab.json']);
    expect(Buffer.from(back['model.safetensors']).equals(Buffer.from(weights))).toBe(true);
    expect(new TextDecoder().decode(back['config.json'])).toBe('{"model_type": "gpt2"}\n'.repeat(50));
    // Text is deflated, the weights stored: the zip is about the weights' size.
    expect(zip.length).toBeLessThan(weights.length + 2000);
  });
});
