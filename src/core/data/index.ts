// Dataset readers: files in, documents / token blocks out. Pure TypeScript (runs in a Web Worker and in Node).
export { DataError, type DataFile, type ReadOptions } from './types';
export { readDocuments, DOCUMENT_EXTENSIONS } from './documents';
export { readTokenFile, isTokenFile, tokenizeDocuments } from './tokens';
export { groupTexts, splitTrainValidation } from './blocks';
export { htmlToText } from './html';
export { prepareDataset, type PreparedDataset, type DatasetStats, type DatasetOptions, type DatasetProgress } from './dataset';
