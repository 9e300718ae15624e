// The studio's "Export for Python": the run as Hugging Face's run_clm.py takes it (src/core/io/python_run.ts), built
// from what the worker holds. The dataset's files are read again (as regrouping does), since the blocks alone lack
// the tail of the token stream that run_clm.py must see to cut the same blocks.
import { DataError, tokenizeFiles, type DatasetFile } from '../core/data';
import type { GPT2 } from '../core/gpt2/model';
import type { FolderFiles } from '../core/io/files';
import type { ModelFolder } from '../core/io/model_folder';
import { pythonRun } from '../core/io/python_run';
import type { TrainingArguments } from '../core/train/args';
import { sayWorker } from './messages';
import type { DatasetOptions } from './protocol';

export interface PythonExportSource {
  folder: ModelFolder;
  dataFiles: DatasetFile[];
  options: DatasetOptions;
  args: TrainingArguments;
}

/**
 * Tokenizes the dataset, then returns a function that makes the export from the weights and step of the moment:
 * the caller runs it between optimizer steps, so that the weights and the step agree.
 */
export async function preparePythonRun(src: PythonExportSource): Promise<(model: GPT2, globalStep: number) => FolderFiles> {
  if (src.dataFiles.length === 0) throw new DataError(sayWorker('restoredDatasetNotKept'));
  const train = await tokenizeFiles(src.dataFiles, src.folder.tokenizer, {});
  return (model, globalStep) => pythonRun({
    model, meta: src.folder, tokenizer: src.folder.tokenizer, args: src.args, blockSize: src.options.blockSize, train, validation: null,
    validationSplitPercentage: src.options.validationSplitPercentage, globalStep,
  }).files;
}
