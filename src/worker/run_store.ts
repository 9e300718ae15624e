// The training runs kept in the origin private file system (navigator.storage.getDirectory()), so that a reloaded or
// crashed tab can continue one. Every tab of the origin shares that storage, so each run has its own folder and says
// whose it is:
//
//   gpt2-studio-runs/{id}/run.json          {id, model, maxSteps, startedAt, files: sizes of the two below}
//                         dataset.blocks    the token blocks (Int32)
//                         dataset.json      {run: id, summary, train, validation}
//                         checkpoint-{N}/   the model folder and the trainer's files, then COMPLETE: {run: id, files: sizes}
//
// A file counts only once the file that lists it is written after it (run.json for the dataset, COMPLETE for a
// checkpoint), and every file is checked against the size listed: a tab closed half-way through a save, or a file cut
// short, never passes for a good one. Checkpoints without COMPLETE are leftovers of failed saves and are removed.
//
// A tab holds the Web Lock of the run it trains (`gpt2-studio-run:{id}`) for as long as the run is its own: until it
// starts or continues another, or closes. Other tabs neither offer nor delete a run whose lock is held, and take the
// lock themselves before they read, continue or delete one. A new run replaces the runs saved before it, but only
// once its own first checkpoint is complete: until then the previous autosave stays the one to resume.
import type { FolderFiles } from '../core/io/files';
import { JsonFields } from '../core/io/json';
import { ModelFileError, UserError } from '../core/errors';
import { saidOf, sayWorker } from './messages';
import { writeFile } from './export_files';
import type { DatasetSummary, SavedRun } from './protocol';

const ROOT = 'gpt2-studio-runs';
/** Where earlier versions kept their single run; it cannot be continued, only deleted. */
const LEGACY = 'gpt2-studio-run';
const COMPLETE = 'COMPLETE';
const CHECKPOINT = /^checkpoint-(\d+)$/;
const DATASET_FILES = ['dataset.blocks', 'dataset.json'];

export interface RunManifest { model: string; maxSteps: number; startedAt: string }

export interface StoredDataset {
  summary: DatasetSummary;
  blocks: Int32Array;
  train: number[];
  validation: number[];
}

type Sizes = Record<string, number>;
type Release = () => void;

/** FileSystemDirectoryHandle's async iteration, which this repo's TypeScript libs (no DOM.AsyncIterable) leave out. */
const names = (dir: FileSystemDirectoryHandle) => (dir as unknown as { keys(): AsyncIterable<string> }).keys();

const readFile = async (dir: FileSystemDirectoryHandle, name: string) => new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

async function child(dir: FileSystemDirectoryHandle, name: string): Promise<FileSystemDirectoryHandle | null> {
  try { return await dir.getDirectoryHandle(name); } catch { return null; }
}

/** Throws naming the first file of `sizes` that is missing from `dir` or not the size written. */
async function checkSizes(dir: FileSystemDirectoryHandle, sizes: Sizes, where: string): Promise<void> {
  for (const [name, expected] of Object.entries(sizes)) {
    const file = await dir.getFileHandle(name).then((h) => h.getFile(), () => null);
    if (!file) throw new ModelFileError(sayWorker('fileMissing', `${where}${name}`));
    if (file.size !== expected) throw new ModelFileError(sayWorker('fileTruncated', `${where}${name}`, file.size, expected));
  }
}

/** A JSON object of byte sizes: {file: bytes}. */
function sizesOf(fields: JsonFields, key: string): Sizes {
  const sizes = fields.object(key);
  return Object.fromEntries(Object.keys(sizes.value).map((name) => [name, sizes.integer(name)]));
}

const lockName = (id: string) => `gpt2-studio-run:${id}`;

/** Takes the run's Web Lock unless a tab holds it: resolves to its release, or null when it is held. */
function tryLock(id: string): Promise<Release | null> {
  return new Promise((resolve, reject) => {
    navigator.locks.request(lockName(id), { ifAvailable: true }, (lock) => {
      if (!lock) { resolve(null); return undefined; }
      return new Promise<void>((release) => resolve(release));
    }).catch(reject);
  });
}

const liveElsewhere = (id: string) => new UserError(sayWorker('trainedElsewhere', id));

export class RunStore {
  /**
   * This tab's listings, claims and deletions, one at a time: a listing holds each run's lock while it reads it, and a
   * claim or listing meanwhile would take that for another tab's.
   */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly storage: FileSystemDirectoryHandle) {}

  /** null where the browser has no origin private file system or no Web Locks to share it between tabs safely. */
  static async open(): Promise<RunStore | null> {
    if (!navigator.locks) return null;
    try { return new RunStore(await navigator.storage.getDirectory()); } catch { return null; }
  }

  private root(): Promise<FileSystemDirectoryHandle> {
    return this.storage.getDirectoryHandle(ROOT, { create: true });
  }

  private async ids(): Promise<string[]> {
    const ids: string[] = [];
    for await (const name of names(await this.root())) ids.push(name);
    if (await child(this.storage, LEGACY)) ids.push(LEGACY);
    return ids;
  }

  /**
   * Starts a run of this tab's own: a new folder holding the dataset, locked while the returned run lives. The runs
   * saved before are replaced when its first checkpoint is complete, not before.
   */
  async create(manifest: RunManifest, dataset: StoredDataset): Promise<OwnRun> {
    const superseded = await this.ids();
    const id = `run-${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
    const release = (await tryLock(id))!; // a fresh id: no tab holds it
    const root = await this.root();
    try {
      const dir = await root.getDirectoryHandle(id, { create: true });
      const { blocks, ...rest } = dataset;
      const files: Sizes = {
        'dataset.blocks': await writeFile(dir, 'dataset.blocks', new Uint8Array(blocks.buffer, blocks.byteOffset, blocks.byteLength)),
        'dataset.json': await writeFile(dir, 'dataset.json', json({ run: id, ...rest })),
      };
      await writeFile(dir, 'run.json', json({ id, ...manifest, files }));
      return new OwnRun(this, id, dir, manifest, release, superseded);
    } catch (e) {
      await root.removeEntry(id, { recursive: true }).catch(() => {});
      release();
      throw e;
    }
  }

  private oneAtATime<T>(f: () => Promise<T>): Promise<T> {
    const result = this.queue.then(f);
    this.queue = result.catch(() => {});
    return result;
  }

  /** Takes a saved run over to continue it here; refused while another tab holds it. */
  claim(id: string): Promise<OwnRun> {
    return this.oneAtATime(() => this.claimNow(id));
  }

  private async claimNow(id: string): Promise<OwnRun> {
    const release = await tryLock(id);
    if (!release) throw liveElsewhere(id);
    try {
      const dir = await child(await this.root(), id);
      if (!dir || id === LEGACY) throw new UserError(sayWorker('runGone', id));
      const run = new OwnRun(this, id, dir, (await readManifest(dir, id)).manifest, release, []);
      await run.removePartial();
      return run;
    } catch (e) {
      release();
      throw e;
    }
  }

  /**
   * The runs no tab is training, newest first, each with its last complete checkpoint or what keeps it from being
   * continued. Leftovers are cleared on the way: partial checkpoints, and runs without a single complete one.
   */
  list(): Promise<SavedRun[]> {
    return this.oneAtATime(() => this.listNow());
  }

  private async listNow(): Promise<SavedRun[]> {
    const runs: SavedRun[] = [];
    for (const id of await this.ids()) {
      const release = await tryLock(id);
      if (!release) continue; // live in a tab (this one's included)
      try {
        const found = await this.inspect(id).catch((e): SavedRun => ({ id, problem: saidOf(e) }));
        if (found) runs.push(found);
      } finally {
        release();
      }
    }
    // Ids begin with the time they were made: newest first (and an earlier version's run last).
    return runs.sort((a, b) => b.id.localeCompare(a.id));
  }

  /** One unlocked run as the page offers it, or null after removing a run with nothing to continue. */
  private async inspect(id: string): Promise<SavedRun | null> {
    if (id === LEGACY) return { id, problem: sayWorker('earlierVersionRun') };
    const dir = await child(await this.root(), id);
    if (!dir) throw new ModelFileError(sayWorker('notARunFolder', id));
    let manifest: RunManifest;
    try {
      ({ manifest } = await readManifest(dir, id));
    } catch (e) {
      return { id, problem: saidOf(e) };
    }
    const run = new OwnRun(this, id, dir, manifest, () => {}, []);
    await run.removePartial();
    const last = await run.latest();
    if (!last) {
      await this.remove(id);
      return null;
    }
    try {
      await run.check(last.name);
    } catch (e) {
      return { id, problem: saidOf(e) };
    }
    return { id, model: manifest.model, checkpoint: last.name, step: last.step, maxSteps: manifest.maxSteps, savedAt: last.savedAt };
  }

  /** Deletes a saved run; refused while another tab holds it. */
  discard(id: string): Promise<void> {
    return this.oneAtATime(async () => {
      const release = await tryLock(id);
      if (!release) throw liveElsewhere(id);
      try { await this.remove(id); } finally { release(); }
    });
  }

  /** Deletes a run whose lock the caller holds. */
  async remove(id: string): Promise<void> {
    if (id === LEGACY) await this.storage.removeEntry(LEGACY, { recursive: true });
    else await (await this.root()).removeEntry(id, { recursive: true }).catch((e: DOMException) => { if (e.name !== 'NotFoundError') throw e; });
  }

  /** Deletes the runs a new one replaces, skipping any a tab holds meanwhile (continued there). */
  replace(ids: string[]): Promise<void> {
    return this.oneAtATime(async () => {
      for (const id of ids) {
        const release = await tryLock(id);
        if (release) try { await this.remove(id); } finally { release(); }
      }
    });
  }
}

/** run.json, checked against the folder it is in, with the dataset's files it lists. */
async function readManifest(dir: FileSystemDirectoryHandle, id: string): Promise<{ manifest: RunManifest; files: Sizes }> {
  const f = JsonFields.parse(await readFile(dir, 'run.json').catch(() => { throw new ModelFileError(sayWorker('fileMissing', 'run.json')); }), 'run.json');
  if (f.string('id') !== id) throw new ModelFileError(sayWorker('runJsonId', f.string('id'), id));
  const files = sizesOf(f, 'files');
  for (const name of DATASET_FILES) if (!(name in files)) throw new ModelFileError(sayWorker('runJsonUnlisted', name));
  return { manifest: { model: f.string('model'), maxSteps: f.integer('maxSteps'), startedAt: f.string('startedAt') }, files };
}

/** A run this tab holds the lock of: its checkpoints are written and read here. */
export class OwnRun {
  private replaced = false;

  constructor(private readonly store: RunStore, readonly id: string, private readonly dir: FileSystemDirectoryHandle, readonly manifest: RunManifest,
    readonly release: Release, private readonly superseded: string[]) {}

  private async checkpointDirs(): Promise<Array<{ name: string; step: number; dir: FileSystemDirectoryHandle }>> {
    const found = [];
    for await (const name of names(this.dir)) {
      const m = CHECKPOINT.exec(name);
      const dir = m && await child(this.dir, name);
      if (dir) found.push({ name, step: Number(m[1]), dir });
    }
    return found.sort((a, b) => a.step - b.step);
  }

  /** Checkpoint folders without COMPLETE: saves that did not finish. */
  async removePartial(): Promise<void> {
    for (const c of await this.checkpointDirs()) {
      if (!(await c.dir.getFileHandle(COMPLETE).then(() => true, () => false))) await this.dir.removeEntry(c.name, { recursive: true });
    }
  }

  /** Complete checkpoints, oldest first (after removePartial, every checkpoint folder). */
  private async complete(): Promise<Array<{ name: string; step: number; savedAt: string }>> {
    const out = [];
    for (const c of await this.checkpointDirs()) {
      const marker = await c.dir.getFileHandle(COMPLETE).then((h) => h.getFile(), () => null);
      if (marker) out.push({ name: c.name, step: c.step, savedAt: new Date(marker.lastModified).toISOString() });
    }
    return out;
  }

  async latest(): Promise<{ name: string; step: number; savedAt: string } | null> {
    return (await this.complete()).at(-1) ?? null;
  }

  /** Writes checkpoint-{step}/, COMPLETE last, then keeps the newest `keep` and drops the runs this one replaces. */
  async saveCheckpoint(name: string, files: FolderFiles, keep: number): Promise<void> {
    // Written as a new folder: a save over an older one of the same name must not leave its COMPLETE standing.
    await this.dir.removeEntry(name, { recursive: true }).catch(() => {});
    const dir = await this.dir.getDirectoryHandle(name, { create: true });
    try {
      const sizes: Sizes = {};
      for (const [file, bytes] of files) sizes[file] = await writeFile(dir, file, bytes);
      await writeFile(dir, COMPLETE, json({ run: this.id, files: sizes }));
    } catch (e) {
      await this.dir.removeEntry(name, { recursive: true }).catch(() => {});
      throw e;
    }
    const all = await this.complete();
    for (const old of all.slice(0, Math.max(0, all.length - Math.max(1, keep)))) await this.dir.removeEntry(old.name, { recursive: true });
    if (!this.replaced) {
      this.replaced = true;
      await this.store.replace(this.superseded);
    }
  }

  /** The checkpoint's COMPLETE marker (naming this run) and every file it lists at its size; returns the sizes. */
  async check(name: string): Promise<Sizes> {
    const dir = await this.dir.getDirectoryHandle(name);
    const where = `${name}/`;
    const marker = JsonFields.parse(await readFile(dir, COMPLETE), `${where}${COMPLETE}`);
    if (marker.string('run') !== this.id) throw new ModelFileError(sayWorker('writtenByOtherRun', `${where}${COMPLETE}`, marker.string('run'), this.id));
    const sizes = sizesOf(marker, 'files');
    await checkSizes(dir, sizes, where);
    await checkSizes(this.dir, (await readManifest(this.dir, this.id)).files, '');
    return sizes;
  }

  /** The checkpoint's files, each checked against the size written. */
  async readCheckpoint(name: string): Promise<Map<string, Uint8Array>> {
    const sizes = await this.check(name);
    const dir = await this.dir.getDirectoryHandle(name);
    const files = new Map<string, Uint8Array>();
    for (const file of Object.keys(sizes)) files.set(file, await readFile(dir, file));
    return files;
  }

  /** The dataset (its sizes are checked with each checkpoint). */
  async readDataset(): Promise<StoredDataset> {
    const f = JsonFields.parse(await readFile(this.dir, 'dataset.json'), 'dataset.json');
    if (f.string('run') !== this.id) throw new ModelFileError(sayWorker('writtenByOtherRun', 'dataset.json', f.string('run'), this.id));
    const bytes = await readFile(this.dir, 'dataset.blocks');
    if (bytes.byteLength % 4 !== 0) throw new ModelFileError(sayWorker('blocksNotWhole', bytes.byteLength));
    return {
      summary: f.object('summary').value as unknown as DatasetSummary, train: f.integers('train'), validation: f.integers('validation'),
      blocks: new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
    };
  }
}
