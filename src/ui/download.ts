// Saving what the worker made (a zip, trainer_state.json) as a download.

export function saveFile(data: Uint8Array | string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
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
