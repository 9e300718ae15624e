// gpt2-studio merge: a base model with a LoRA adapter folded into its weights, written as a plain Hugging Face
// model folder, as PeftModel.merge_and_unload() followed by save_pretrained would write it.
import { mergedModelFiles } from '../core/io/adapter';
import { isNonEmptyDir, writeFolderAtomic } from '../node/files';
import { UsageError, required, type FlagSpecs, type FlagValues } from './flags';
import { ADAPTER_FLAG, BACKEND_FLAG, loadModel, startBackend } from './common';

export const summary = 'merge a LoRA adapter into its base model (PEFT merge_and_unload) and save the full model';
export const flags: FlagSpecs = {
  model_name_or_path: { type: 'string', help: 'the base model folder the adapter was trained on' },
  ...ADAPTER_FLAG,
  output_dir: { type: 'string', help: 'where the merged model folder goes' },
  overwrite_output_dir: { type: 'boolean', help: 'allow a non-empty --output_dir', default: false },
  ...BACKEND_FLAG,
};

export async function run(v: FlagValues): Promise<void> {
  const base = required<string>(v, 'model_name_or_path', 'merge');
  const adapter = required<string>(v, 'adapter_name_or_path', 'merge');
  const outputDir = required<string>(v, 'output_dir', 'merge');
  if (!v.overwrite_output_dir && (await isNonEmptyDir(outputDir))) {
    throw new UsageError(`--output_dir ${outputDir} exists and is not empty; pass --overwrite_output_dir to replace it`);
  }
  await startBackend(v.backend as string);
  const { model, folder } = await loadModel(base, adapter);
  const { files, release } = mergedModelFiles(model, folder);
  await writeFolderAtomic(outputDir, files);
  release();
  console.error(`merged ${adapter} into ${base}: saved to ${outputDir}`);
}
