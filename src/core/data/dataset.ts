// From the user's files to training blocks, the way run_clm.py prepares them: read each file's documents, tokenize
// each followed by EOS (.u16 files are already token ids), concatenate, group into block_size blocks, and split off
// validation. The CLI and the browser worker both call this.
import { DataError, type DataFile, type ReadOptions } from './types';
import { readDocuments } from './documents';
import { isTokenFile, readTokenFile, tokenizeDocuments } from './tokens';
import { groupTexts, splitTrainValidation } from './blocks';
import type { BlockDataset } from '../train/trainer';

export interface DatasetOptions extends ReadOptions {
  blockSize: number;
  /** Percent of blocks held out for evaluation when no validation files are given (run_clm's default is 5). */
  validationSplitPercentage?: number;
}

export interface DatasetStats { files: number; documents: number; characters: number; tokens: number; blocks: number; trainBlocks: number; validationBlocks: number }

export interface PreparedDataset extends BlockDataset {
  stats: DatasetStats;
  /** The first documents as the model will see them (decoded from their tokens), for previews. */
  preview: string[];
}

interface Encoder { encode(text: string): number[]; decode(ids: ArrayLike<number>): string; eosTokenId: number; vocabSize: number }

export type DatasetProgress = (stage: 'reading' | 'tokenizing', done: number, total: number) => void;

/** Token ids of files, each document followed by EOS. */
async function tokenStream(files: DataFile[], tok: Encoder, opts: ReadOptions, onProgress?: DatasetProgress) {
  const parts: ArrayLike<number>[] = [];
  let documents = 0, characters = 0;
  const preview: string[] = [];
  for (const [i, file] of files.entries()) {
    onProgress?.('reading', i, files.length);
    if (isTokenFile(file.name)) {
      const ids = readTokenFile(file);
      const bad = ids.findIndex((id) => id >= tok.vocabSize);
      if (bad >= 0) throw new DataError(`${file.name}: token id ${ids[bad]} at position ${bad} is outside the model's vocabulary of ${tok.vocabSize}`);
      parts.push(ids);
      continue;
    }
    const docs = await readDocuments(file, opts);
    documents += docs.length;
    for (const d of docs) characters += d.length;
    for (const d of docs) if (preview.length < 5) preview.push(d);
    parts.push(tokenizeDocuments(docs, (t) => tok.encode(t), tok.eosTokenId, (done, total) => onProgress?.('tokenizing', done, total)));
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const ids = new Uint32Array(total);
  let at = 0;
  for (const p of parts) { ids.set(p, at); at += p.length; }
  return { ids, documents, characters, preview };
}

export async function prepareDataset(train: DataFile[], tok: Encoder, opts: DatasetOptions, validation: DataFile[] = [], onProgress?: DatasetProgress): Promise<PreparedDataset> {
  if (train.length === 0) throw new DataError('no training files given');
  const { blockSize } = opts;
  const t = await tokenStream(train, tok, opts, onProgress);
  const grouped = groupTexts(t.ids, blockSize);
  const need = (n: number, what: string) => {
    if (n === 0) throw new DataError(`${what}: ${t.ids.length} tokens make no block of block_size ${blockSize}; add text or lower the block size`);
  };
  need(grouped.numBlocks, train.map((f) => f.name).join(', '));
  let blocks = grouped.blocks, trainIdx: number[], valIdx: number[];
  if (validation.length) {
    const v = groupTexts((await tokenStream(validation, tok, opts)).ids, blockSize);
    need(v.numBlocks, validation.map((f) => f.name).join(', '));
    blocks = new Int32Array(grouped.blocks.length + v.blocks.length);
    blocks.set(grouped.blocks); blocks.set(v.blocks, grouped.blocks.length);
    trainIdx = Array.from({ length: grouped.numBlocks }, (_, i) => i);
    valIdx = Array.from({ length: v.numBlocks }, (_, i) => grouped.numBlocks + i);
  } else {
    ({ train: trainIdx, validation: valIdx } = splitTrainValidation(grouped.numBlocks, opts.validationSplitPercentage ?? 5));
  }
  return {
    blocks, blockSize, train: trainIdx, validation: valIdx, preview: t.preview,
    stats: {
      files: train.length, documents: t.documents, characters: t.characters, tokens: t.ids.length,
      blocks: grouped.numBlocks, trainBlocks: trainIdx.length, validationBlocks: valIdx.length,
    },
  };
}
