// The training run kept in the origin private file system (navigator.storage.getDirectory()), so that a reloaded or
// crashed tab can continue it: the tokenized dataset once per run, and checkpoint-{step}/ folders (the model folder
// plus the trainer's files). A checkpoint counts only once its COMPLETE marker is written last, so that a tab closed
// half-way through a save leaves the previous checkpoint as the one to resume. One run is kept: a new one replaces it.
import type { FolderFiles } from '../core/io/export';
import { writeFile } from './export_files';
import type { DatasetSummary, SavedRun } from './protocol';

const ROOT = 'gpt2-studio-run';
const COMPLETE = 'COMPLETE';
const CHECKPOINT = /^checkpoint-(\d+)$/;

export interface RunManifest { model: string; maxSteps: number; startedAt: string }

export interface StoredDataset {
  summary: DatasetSummary;
  blocks: Int32Array;
  train: number[];
  validation: number[];
}

/** FileSystemDirectoryHandle's async iteration, which this repo's TypeScript libs (no DOM.AsyncIterable) leave out. */
const names = (dir: FileSystemDirectoryHandle) => (dir as unknown as { keys(): AsyncIterable<string> }).keys();

async function readFile(dir: FileSystemDirectoryHandle, name: string): Promise<Uint8Array> {
  return new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const parse = <T>(bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T;

async function exists(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try { await dir.getFileHandle(name); return true; } catch { return false; }
}

export class RunStore {
  private constructor(private readonly storage: FileSystemDirectoryHandle) {}

  /** null where the browser has no origin private file system. */
  static async open(): Promise<RunStore | null> {
    try { return new RunStore(await navigator.storage.getDirectory()); } catch { return null; }
  }

  private dir(create = false): Promise<FileSystemDirectoryHandle> {
    return this.storage.getDirectoryHandle(ROOT, { create });
  }

  /** Starts a new run: the previous one (and its checkpoints) is dropped. */
  async begin(manifest: RunManifest, dataset: StoredDataset): Promise<void> {
    await this.clear();
    const dir = await this.dir(true);
    const { blocks, ...rest } = dataset;
    await writeFile(dir, 'dataset.blocks', new Uint8Array(blocks.buffer, blocks.byteOffset, blocks.byteLength));
    await writeFile(dir, 'dataset.json', json(rest));
    await writeFile(dir, 'run.json', json(manifest));
  }

  async saveCheckpoint(name: string, files: FolderFiles, keep: number): Promise<void> {
    const run = await this.dir(true);
    const dir = await run.getDirectoryHandle(name, { create: true });
    for (const [file, bytes] of files) await writeFile(dir, file, bytes);
    await writeFile(dir, COMPLETE, new Uint8Array());
    const all = await this.checkpoints();
    for (const old of all.slice(0, Math.max(0, all.length - Math.max(1, keep)))) await run.removeEntry(old.name, { recursive: true });
  }

  /** Complete checkpoints, oldest first. */
  private async checkpoints(): Promise<Array<{ name: string; step: number }>> {
    const run = await this.dir();
    const found: Array<{ name: string; step: number }> = [];
    for await (const name of names(run)) {
      const m = CHECKPOINT.exec(name);
      if (m && await exists(await run.getDirectoryHandle(name), COMPLETE)) found.push({ name, step: Number(m[1]) });
    }
    return found.sort((a, b) => a.step - b.step);
  }

  async latest(): Promise<SavedRun | null> {
    try {
      const run = await this.dir();
      const last = (await this.checkpoints()).at(-1);
      if (!last) return null;
      const manifest = parse<RunManifest>(await readFile(run, 'run.json'));
      const saved = await (await (await run.getDirectoryHandle(last.name)).getFileHandle(COMPLETE)).getFile();
      return { model: manifest.model, checkpoint: last.name, step: last.step, maxSteps: manifest.maxSteps, savedAt: new Date(saved.lastModified).toISOString() };
    } catch {
      return null; // no run saved (or a run from an older layout)
    }
  }

  async readCheckpoint(name: string): Promise<Map<string, Uint8Array>> {
    const dir = await (await this.dir()).getDirectoryHandle(name);
    const files = new Map<string, Uint8Array>();
    for await (const file of names(dir)) if (file !== COMPLETE) files.set(file, await readFile(dir, file));
    return files;
  }

  async readDataset(): Promise<StoredDataset> {
    const dir = await this.dir();
    const rest = parse<Omit<StoredDataset, 'blocks'>>(await readFile(dir, 'dataset.json'));
    const bytes = await readFile(dir, 'dataset.blocks');
    return { ...rest, blocks: new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
  }

  async clear(): Promise<void> {
    await this.storage.removeEntry(ROOT, { recursive: true }).catch(() => { /* nothing saved yet */ });
  }
}
