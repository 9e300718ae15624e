// From the user's files to training blocks, the way run_clm.py prepares them: read each file's documents, tokenize
// each followed by EOS (.u16 files are already token ids), concatenate, group into block_size blocks, and split off
// validation. The CLI and the browser worker both call this. Files stream in: documents are tokenized as their text
// arrives, into one growing typed array of ids, so a file of hundreds of MB is never held whole, as bytes or text.
import { DataError, type DatasetFile, type ReadOptions } from './types';
import { streamDocuments, type DocumentSink } from './documents';
import { fileChunks, fileSize } from './text';
import { isTokenFile, TokenBuffer, TokenFileReader } from './tokens';
import { groupTexts, splitTrainValidation, type BlockDataset } from './blocks';
import { sayData } from './messages';

export interface DatasetOptions extends ReadOptions {
  blockSize: number;
  /** Percent of blocks held out for evaluation when no validation files are given (run_clm's default is 5). */
  validationSplitPercentage?: number;
}

export interface DatasetStats { files: number; documents: number; characters: number; tokens: number; blocks: number; trainBlocks: number; validationBlocks: number }

export interface PreparedDataset extends BlockDataset {
  stats: DatasetStats;
  /** The first documents as read (each cut at PREVIEW_CHARACTERS), for previews. */
  preview: string[];
}

export interface Encoder {
  encode(text: string): number[];
  /** where a text can be cut and its halves encoded apart with the same ids (GPT2Tokenizer.splitPoint) */
  splitPoint(text: string, from?: number): number;
  eosTokenId: number;
  vocabSize: number;
}

/** Progress in bytes of all the files: 'reading' token files, 'tokenizing' documents. */
export type DatasetProgress = (stage: 'reading' | 'tokenizing', done: number, total: number) => void;

export interface TokenizedFiles { ids: Uint16Array | Int32Array; documents: number; characters: number; preview: string[] }

const PREVIEW_DOCUMENTS = 5;
const PREVIEW_CHARACTERS = 10_000;
/** A document's text waiting for the tokenizer is encoded once this long, up to where the tokenizer may cut it. */
const ENCODE_CHARACTERS = 1 << 16;
/** Progress is reported about this many times per dataset, so that a worker can post it without flooding the UI. */
const PROGRESS_REPORTS = 200;

/** Tokenizes documents as their text arrives: each document's ids, then EOS, into `out`. */
class DocumentEncoder implements DocumentSink {
  characters = 0;
  readonly preview: string[] = [];
  private pending = '';
  /** `pending` up to here holds no place to cut */
  private searched = 0;
  private previewText = '';

  constructor(private readonly tok: Encoder, private readonly out: TokenBuffer) {}

  text(piece: string): void {
    this.characters += piece.length;
    if (this.preview.length < PREVIEW_DOCUMENTS && this.previewText.length < PREVIEW_CHARACTERS) {
      this.previewText += piece.slice(0, PREVIEW_CHARACTERS - this.previewText.length);
    }
    this.pending += piece;
    if (this.pending.length < ENCODE_CHARACTERS) return;
    const cut = this.tok.splitPoint(this.pending, this.searched);
    if (cut > 0) {
      this.out.push(this.tok.encode(this.pending.slice(0, cut)));
      this.pending = this.pending.slice(cut);
      this.searched = 0;
    } else {
      this.searched = this.pending.length - 1;
    }
  }

  end(): void {
    this.out.push(this.tok.encode(this.pending));
    this.out.pushOne(this.tok.eosTokenId);
    this.pending = '';
    this.searched = 0;
    if (this.preview.length < PREVIEW_DOCUMENTS) this.preview.push(this.previewText);
    this.previewText = '';
  }
}

/** Token ids of files, each document followed by EOS, with progress in bytes. */
export async function tokenizeFiles(files: DatasetFile[], tok: Encoder, opts: ReadOptions, onProgress?: DatasetProgress): Promise<TokenizedFiles> {
  const out = new TokenBuffer(tok.vocabSize);
  const encoder = new DocumentEncoder(tok, out);
  const total = files.reduce((n, f) => n + fileSize(f), 0);
  const every = Math.max(1, Math.ceil(total / PROGRESS_REPORTS));
  let done = 0, reported = 0, documents = 0;
  for (const file of files) {
    const stage = isTokenFile(file.name) ? 'reading' : 'tokenizing';
    const onBytes = (n: number) => {
      done += n;
      if (done - reported >= every) { reported = done; onProgress?.(stage, done, total); }
    };
    if (stage === 'reading') {
      const reader = new TokenFileReader(file.name, out, tok.vocabSize);
      for await (const chunk of fileChunks(file, onBytes)) reader.push(chunk);
      reader.end();
    } else {
      documents += await streamDocuments(file, opts, encoder, onBytes);
    }
  }
  if (reported < total) onProgress?.('tokenizing', total, total);
  return { ids: out.ids(), documents, characters: encoder.characters, preview: encoder.preview };
}

/**
 * Token ids cut into consecutive blocks (run_clm's group_texts), or a DataError naming the files when they make
 * no block at all. Training data, validation files and `gpt2-studio eval` all go through here.
 */
export function groupFiles(ids: ArrayLike<number>, blockSize: number, files: ReadonlyArray<{ name: string }>): ReturnType<typeof groupTexts> {
  const grouped = groupTexts(ids, blockSize);
  if (grouped.numBlocks === 0) {
    throw new DataError(sayData('noBlock', files.map((f) => f.name).join(', '), ids.length, blockSize));
  }
  return grouped;
}

export async function prepareDataset(train: DatasetFile[], tok: Encoder, opts: DatasetOptions, validation: DatasetFile[] = [], onProgress?: DatasetProgress): Promise<PreparedDataset> {
  if (train.length === 0) throw new DataError(sayData('noTrainingFiles'));
  const { blockSize } = opts;
  const t = await tokenizeFiles(train, tok, opts, onProgress);
  const grouped = groupFiles(t.ids, blockSize, train);
  let blocks = grouped.blocks, trainIdx: number[], valIdx: number[];
  if (validation.length) {
    const vt = await tokenizeFiles(validation, tok, opts);
    const v = groupFiles(vt.ids, blockSize, validation);
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
