// What the studio worker does with a LoRA adapter besides training it: its files in checkpoints (beside the base
// model folder, which a reloaded page needs too) and restoring it. What Export gives is the core's
// (core/train/output.ts).
import type { GPT2 } from '../core/gpt2/model';
import { fileBytes, type FolderFiles } from '../core/io/files';
import { ADAPTER_CONFIG, adapterFolderFiles, loadAdapter } from '../core/io/adapter';
import { memorySource } from '../core/io/model_folder';

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

