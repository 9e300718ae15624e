// Dataset readers: files in, documents / token blocks out. Pure TypeScript (runs in a Web Worker and in Node).
export { DataError, type DataFile, type StreamedFile, type DatasetFile, type ReadOptions } from './types';
export { readDocuments, DOCUMENT_EXTENSIONS } from './documents';
export { readTokenFile, isTokenFile } from './tokens';
export { groupTexts, splitTrainValidation, checkBlockDataset, type BlockDataset } from './blocks';
export { htmlToText } from './html';
export {
  prepareDataset, tokenizeFiles, groupFiles, type PreparedDataset, type DatasetStats, type DatasetOptions, type DatasetProgress,
} from './dataset';
