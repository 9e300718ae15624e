import { DataError } from './types';
import { sayData } from './messages';
import type { Said } from '../messages';

/** The token blocks of a dataset (group_texts' output) and which of them train and which validate. */
export interface BlockDataset {
  blocks: Int32Array;
  blockSize: number;
  train: number[];
  validation: number[];
}

/**
 * Throws unless every block the split names lies inside `blocks`: a block past the end (a truncated file of blocks)
 * would otherwise train on whatever a short read gives, zeros, without a word.
 */
export function checkBlockDataset(data: BlockDataset, source: string | Said = sayData('theDataset')): void {
  const { blocks, blockSize: T } = data;
  if (!Number.isInteger(T) || T < 1) throw new DataError(sayData('blockSizeNotPositive', source, T));
  const count = Math.floor(blocks.length / T);
  for (const ids of [data.train, data.validation]) {
    for (const b of ids) {
      if (!(Number.isInteger(b) && b >= 0 && b < count)) {
        throw new DataError(sayData('blocksTruncated', source, b, count, T, blocks.length));
      }
    }
  }
}

/**
 * Hugging Face run_clm's group_texts: the token stream cut into consecutive rows of blockSize, the short
 * tail dropped. (run_clm applies it per map batch of 1000 documents, dropping a tail per batch; we group the
 * whole stream at once, as the brief and the fixtures' blocks.u16 do.)
 */
export function groupTexts(tokens: ArrayLike<number>, blockSize: number): { blocks: Int32Array; numBlocks: number; blockSize: number } {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`blockSize must be a positive integer, got ${blockSize}`);
  const numBlocks = Math.floor(tokens.length / blockSize);
  const blocks = new Int32Array(numBlocks * blockSize);
  for (let i = 0; i < blocks.length; i++) blocks[i] = tokens[i];
  return { blocks, numBlocks, blockSize };
}

/**
 * Train/validation split by block index, like run_clm's validation_split_percentage but taken from the end
 * (run_clm slices the raw dataset, first percent% to validation): the last round(numBlocks*percent/100)
 * blocks, at least 1 when percent > 0, and at least 1 block always left for training.
 */
export function splitTrainValidation(numBlocks: number, percent: number): { train: number[]; validation: number[] } {
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`validation percent must be in [0, 100], got ${percent}`);
  let numValidation = 0;
  if (percent > 0 && numBlocks >= 2) {
    numValidation = Math.min(numBlocks - 1, Math.max(1, Math.round((numBlocks * percent) / 100)));
  }
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  return { train: range(0, numBlocks - numValidation), validation: range(numBlocks - numValidation, numBlocks) };
}
