// Every catalog whose sentences can reach the page from the worker (in an error, a fault, a warning or a saved run's
// problem), by the domain their `Said`s name: the page words them in its language with these. Words only: importing
// this file brings no TensorFlow.js into the page.
import type { Catalog, Sentences } from '../core/messages';
import { backendCatalog } from '../core/backend/messages';
import { dataCatalog } from '../core/data/messages';
import { gpt2Catalog } from '../core/gpt2/messages';
import { ioCatalog } from '../core/io/messages';
import { tokenizerCatalog } from '../core/tokenizer/messages';
import { trainCatalog } from '../core/train/messages';
import { workerCatalog } from './messages';

export const CATALOGS: ReadonlyMap<string, Catalog<Sentences>> = new Map(
  [backendCatalog, dataCatalog, tokenizerCatalog, ioCatalog, gpt2Catalog, trainCatalog, workerCatalog].map((c) => [c.domain, c as Catalog<Sentences>]),
);
