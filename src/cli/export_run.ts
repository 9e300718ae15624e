// gpt2-studio export-run: a run as what Hugging Face's run_clm.py needs to carry it on, on GPUs: run_clm.sh with the
// `accelerate launch run_clm.py …` command, the dataset as the JSON Lines files it reads, the weights as the model
// folder it starts from, and a README on what differs. It takes train's flags, meaning what they mean to train:
// the same flags plus --resume_from_checkpoint continue the run from that checkpoint, in Python.
import { tokenizeFiles } from '../core/data';
import { ModelFileError } from '../core/errors';
import { pythonRun } from '../core/io/python_run';
import { isNonEmptyDir, readFolder, writeFolderAtomic } from '../node/files';
import { UsageError, required, type FlagSpecs, type FlagValues } from './flags';
import { startBackend } from './common';
import { blockSizeOf, openDataFiles, readOptions, validationPercentOf } from './data_flags';
import { LORA_FLAGS, flags as trainFlags, loadStart, trainingArgs } from './train';

export const summary = 'write a run for Hugging Face run_clm.py: the accelerate launch command, the dataset files, the weights';
// run_clm.py trains every weight: the LoRA flags are not taken here, so giving one is refused as an unknown flag.
// Nor is --skip_memory_check: our memory plan has no say over the Python run.
const NOT_TAKEN = new Set(['use_peft', 'adapter_name_or_path', ...LORA_FLAGS, 'skip_memory_check']);
export const flags: FlagSpecs = {
  ...Object.fromEntries(Object.entries(trainFlags).filter(([name]) => !NOT_TAKEN.has(name))),
  output_dir: { type: 'string', help: 'where the export goes: run_clm.sh, README.md, model/ and data/ (the Python run writes to its output/)' },
  overwrite_output_dir: { type: 'boolean', help: 'allow a non-empty --output_dir', default: false },
  resume_from_checkpoint: { type: 'string', help: 'a checkpoint-N (or trained output) folder: its weights, continued from its step' },
};

/** The step a checkpoint's weights have reached, from its trainer_state.json. */
async function globalStep(checkpoint: string): Promise<number> {
  const state = (await readFolder(checkpoint, ['trainer_state.json'])).get('trainer_state.json');
  const step = state && (JSON.parse(new TextDecoder().decode(state)) as { global_step?: unknown }).global_step;
  if (!Number.isInteger(step)) throw new ModelFileError(`${checkpoint}: no trainer_state.json with a global_step (expected a checkpoint-N folder written by train)`);
  return step as number;
}

export async function run(v: FlagValues): Promise<void> {
  const outputDir = required<string>(v, 'output_dir', 'export-run');
  const trainFiles = required<string[]>(v, 'train_file', 'export-run');
  if (!v.overwrite_output_dir && (await isNonEmptyDir(outputDir))) {
    throw new UsageError(`--output_dir ${outputDir} exists and is not empty; pass --overwrite_output_dir to replace it`);
  }
  const args = trainingArgs(v);
  const checkpoint = v.resume_from_checkpoint as string | undefined;
  const step = checkpoint === undefined ? 0 : await globalStep(checkpoint);
  await startBackend(v.backend as string);
  const { model, folder } = await loadStart(v);
  const blockSize = blockSizeOf(v, model.config.n_positions);
  const pct = validationPercentOf(v);
  const opts = readOptions(v);
  const train = await tokenizeFiles(await openDataFiles(trainFiles), folder.tokenizer, opts);
  const validation = v.validation_file === undefined ? null : await tokenizeFiles(await openDataFiles(v.validation_file), folder.tokenizer, opts);
  const plan = pythonRun({ model, meta: folder, tokenizer: folder.tokenizer, args, blockSize, train, validation, validationSplitPercentage: pct, globalStep: step });
  await writeFolderAtomic(outputDir, plan.files);
  model.dispose();
  console.log(['accelerate', 'launch', 'run_clm.py', ...plan.argv].join(' '));
  console.error(`wrote ${outputDir}: run_clm.sh, README.md, model/, data/ (${plan.trainBlocks} training and ${plan.validationBlocks} validation blocks of ${blockSize})`);
  for (const n of plan.notes) console.error(`note: ${n}`);
}
