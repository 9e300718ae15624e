// What reading a tokenizer's files says to a person, in English and Spanish (src/core/messages.ts says how a sentence
// travels to the page). Each sentence names the file, the setting or entry in it, and what was expected; token strings
// and JSON values arrive as JSON text. Grouped by the file of src/core/tokenizer that says them, in alphabetical order.
import { catalog } from '../messages';

const en = {
  // bpe.ts
  mergeMissingToken: (where: string, merge: number, a: string, b: string, missing: string) =>
    `${where}: merge ${merge} ("${a} ${b}") uses token "${missing}", which is not in the vocab`,
  // hf-files.ts: the vocabulary and merges
  vocabNotObject: (where: string) => `${where}: expected an object mapping token strings to ids`,
  vocabBadId: (where: string, token: string, id: string) => `${where}: the id of token ${token} must be a non-negative integer, got ${id}`,
  vocabIdTwice: (where: string, id: number, first: string, second: string) => `${where}: id ${id} is used by both ${first} and ${second}`,
  vocabEmpty: (where: string) => `${where}: the vocabulary is empty`,
  mergesLine: (line: number) => `merges.txt line ${line}`,
  mergeMalformed: (where: string, got: string) => `${where}: expected two tokens separated by one space, got ${got}`,
  // hf-files.ts: special and added tokens
  configTokenMalformed: (key: string, got: string) =>
    `tokenizer_config.json: ${key} must be a string or an object with "content", got ${got}`,
  addedTokenNoContent: (where: string) => `${where}: expected an object with a non-empty "content" string`,
  addedTokenBadId: (where: string, content: string) => `${where}: the id of ${content} must be a non-negative integer`,
  addedTokenOption: (where: string, content: string, option: string) => `${where}: added token ${content} sets ${option}, which is not supported`,
  // hf-files.ts: settings of tokenizer.json and tokenizer_config.json
  normalizerNotNull: (got: string) => `tokenizer.json: normalizer must be null for a GPT-2 byte-level BPE, got ${got}`,
  preTokenizerNotByteLevel: (got: string) => `tokenizer.json: pre_tokenizer.type must be ByteLevel (GPT-2 byte-level BPE), got ${got}`,
  settingNotSupported: (file: string, setting: string, value: boolean) => `${file}: ${setting}=${value} is not supported`,
  noModel: () => 'tokenizer.json: expected a "model" object',
  modelNotBpe: (got: string) => `tokenizer.json: model.type must be BPE, got ${got}`,
  modelAffixNotEmpty: (key: string) => `tokenizer.json: model.${key} must be empty for GPT-2`,
  notArray: (file: string, key: string) => `${file}: ${key} must be an array`,
  notObject: (file: string, key: string) => `${file}: ${key} must be an object`,
  // hf-files.ts: tokenizer.json beside vocab.json and merges.txt, and neither
  notSameTokenizer: (file: string, difference: string) =>
    `tokenizer.json and ${file} are not the same tokenizer: ${difference}; remove the one that does not belong to the model`,
  tokenIdDiffers: (token: string, id: number, otherId: number | null) =>
    `token ${token} is id ${id} in tokenizer.json and ${otherId === null ? 'missing' : `id ${otherId}`} in vocab.json`,
  tokenCountDiffers: (tokens: number, otherTokens: number) => `${tokens} tokens in tokenizer.json, ${otherTokens} in vocab.json`,
  mergeDiffers: (merge: number, pair: string, otherPair: string) => `merge ${merge} is "${pair}" in tokenizer.json and "${otherPair}" in merges.txt`,
  mergeCountDiffers: (merges: number, otherMerges: number) => `${merges} merges in tokenizer.json, ${otherMerges} in merges.txt`,
  noTokenizer: (missing: 'vocab.json' | 'merges.txt') => `no tokenizer: need tokenizer.json, or vocab.json + merges.txt (${missing} is missing)`,
};

const es: typeof en = {
  // bpe.ts
  mergeMissingToken: (where, merge, a, b, missing) =>
    `${where}: la fusión ${merge} ("${a} ${b}") usa el token "${missing}", que no está en el vocabulario`,
  // hf-files.ts: the vocabulary and merges
  vocabNotObject: (where) => `${where}: se esperaba un objeto que asigne un id a cada token`,
  vocabBadId: (where, token, id) => `${where}: el id del token ${token} debe ser un entero no negativo, pero es ${id}`,
  vocabIdTwice: (where, id, first, second) => `${where}: el id ${id} lo usan a la vez ${first} y ${second}`,
  vocabEmpty: (where) => `${where}: el vocabulario está vacío`,
  mergesLine: (line) => `merges.txt, línea ${line}`,
  mergeMalformed: (where, got) => `${where}: se esperaban dos tokens separados por un espacio, pero hay ${got}`,
  // hf-files.ts: special and added tokens
  configTokenMalformed: (key, got) => `tokenizer_config.json: ${key} debe ser un string o un objeto con "content", pero es ${got}`,
  addedTokenNoContent: (where) => `${where}: se esperaba un objeto con un string "content" no vacío`,
  addedTokenBadId: (where, content) => `${where}: el id de ${content} debe ser un entero no negativo`,
  addedTokenOption: (where, content, option) => `${where}: el token añadido ${content} activa ${option}, y eso no se admite`,
  // hf-files.ts: settings of tokenizer.json and tokenizer_config.json
  normalizerNotNull: (got) => `tokenizer.json: normalizer debe ser null en un BPE byte-level de GPT-2, pero es ${got}`,
  preTokenizerNotByteLevel: (got) => `tokenizer.json: pre_tokenizer.type debe ser ByteLevel (BPE byte-level de GPT-2), pero es ${got}`,
  settingNotSupported: (file, setting, value) => `${file}: no se admite ${setting}=${value}`,
  noModel: () => 'tokenizer.json: se esperaba un objeto "model"',
  modelNotBpe: (got) => `tokenizer.json: model.type debe ser BPE, pero es ${got}`,
  modelAffixNotEmpty: (key) => `tokenizer.json: model.${key} debe estar vacío en GPT-2`,
  notArray: (file, key) => `${file}: ${key} debe ser un array`,
  notObject: (file, key) => `${file}: ${key} debe ser un objeto`,
  // hf-files.ts: tokenizer.json beside vocab.json and merges.txt, and neither
  notSameTokenizer: (file, difference) =>
    `tokenizer.json y ${file} no son el mismo tokenizador: ${difference}; quita el que no corresponde al modelo`,
  tokenIdDiffers: (token, id, otherId) =>
    `el token ${token} tiene el id ${id} en tokenizer.json y ${otherId === null ? 'no está' : `el id ${otherId}`} en vocab.json`,
  tokenCountDiffers: (tokens, otherTokens) => `${tokens} tokens en tokenizer.json y ${otherTokens} en vocab.json`,
  mergeDiffers: (merge, pair, otherPair) => `la fusión ${merge} es "${pair}" en tokenizer.json y "${otherPair}" en merges.txt`,
  mergeCountDiffers: (merges, otherMerges) => `${merges} fusiones en tokenizer.json y ${otherMerges} en merges.txt`,
  noTokenizer: (missing) => `no hay tokenizador: hace falta tokenizer.json, o vocab.json y merges.txt (falta ${missing})`,
};

export const { catalog: tokenizerCatalog, say: sayTokenizer } = catalog('tokenizer', { en, es });
