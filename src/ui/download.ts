// Saving what the worker made (a zip, trainer_state.json) as a download, or a model folder into a folder the user
// picks (the File System Access API, where the browser has it: Chromium).

export function saveFile(data: Uint8Array | string | Blob, name: string, type: string): void {
  const url = URL.createObjectURL(data instanceof Blob ? data : new Blob([data as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The click has started the download; the URL is released once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A model's name as the stem of a download's file name: "openai-community/gpt2" → "gpt2", "/fixtures/models/tiny-gpt2" → "tiny-gpt2". */
export function fileStem(name: string): string {
  return name.replace(/\/+$/, '').split('/').pop()!.replace(/[^\w.-]+/g, '_') || 'model';
}

type FolderPicker = (options: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;
const folderPicker = () => (window as unknown as { showDirectoryPicker?: FolderPicker }).showDirectoryPicker;

/** Whether this browser lets the page write into a folder the user picks. */
export const canPickFolder = () => folderPicker() !== undefined;

/** A folder the user picks to write into; null when they cancel. */
export async function pickFolder(): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await folderPicker()!({ mode: 'readwrite' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
}
