// What the studio worker does with a LoRA adapter besides training it: its files in checkpoints (beside the base
// model folder, which a reloaded page needs too), restoring it, and the exports a LoRA run offers.
import type { GPT2 } from '../core/gpt2/model';
import { fileBytes, modelFolderFiles, type FolderFiles, type ModelMeta } from '../core/io/export';
import { ADAPTER_CONFIG, adapterFolderFiles, loadAdapter, mergedModelFiles } from '../core/io/adapter';
import { memorySource } from '../core/io/model_folder';
import type { ExportKind } from './protocol';

/** The adapter's files, read now (a checkpoint is written from bytes), or none for a model without one. */
export async function adapterFiles(model: GPT2, baseName: string): Promise<FolderFiles> {
  const out: FolderFiles = new Map();
  if (!model.lora) return out;
  for (const [name, data] of adapterFolderFiles(model.lora, baseName)) out.set(name, await fileBytes(data));
  return out;
}

/** Puts a checkpoint's adapter back on its model, when the checkpoint has one. */
export async function restoreAdapter(model: GPT2, files: Map<string, Uint8Array>, checkpoint: string): Promise<void> {
  if (files.has(ADAPTER_CONFIG)) await loadAdapter(model, memorySource(files, checkpoint));
}

/**
 * The folder Export zips: the model as it is after full fine-tuning; after LoRA, the adapter folder (PEFT's files
 * with the tokenizer) or the merged model. `release` frees what was made for the export once it is zipped.
 */
export function exportFiles(model: GPT2, meta: ModelMeta, baseName: string, kind: ExportKind = 'adapter'): { files: FolderFiles; release(): void } {
  // Full fine-tuning has no adapter: the model is the export, whatever `kind` says.
  if (!model.lora) return { files: modelFolderFiles(model, meta), release: () => {} };
  if (kind === 'merged') return mergedModelFiles(model, meta);
  return { files: adapterFolderFiles(model.lora, baseName, meta.tokenizer), release: () => {} };
}
