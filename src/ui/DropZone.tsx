// A file picker that files, and folders, can also be dropped on.
import { useId, useState, type ReactNode } from 'react';
import { useI18n } from './i18n/language';

interface Props {
  /** The file input's accessible name. */
  label: string;
  accept?: string;
  disabled?: boolean;
  onFiles(files: File[]): void;
  /** A dropped folder that could not be read. */
  onError?(message: string): void;
  children?: ReactNode;
}

export function DropZone({ label, accept, disabled, onFiles, onError, children }: Props) {
  const { t } = useI18n();
  const [over, setOver] = useState(false);
  const id = useId();
  return (
    <div
      className={`dropzone${over ? ' over' : ''}${disabled ? ' disabled' : ''}`}
      onDragOver={(e) => { e.preventDefault(); if (!disabled) setOver(true); }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (disabled) return;
        // The items are readable only during the event: their entries are taken now, their files read after.
        const entries = [...e.dataTransfer.items].map((i) => (i.kind === 'file' ? i.webkitGetAsEntry() : null));
        const plain = [...e.dataTransfer.files];
        void (entries.some(Boolean) ? Promise.all(entries.filter((x) => x !== null).map(entryFiles)).then((f) => f.flat()) : Promise.resolve(plain))
          .then((files) => { if (files.length) onFiles(files); }, (err: Error) => onError?.(t.dropzone.unreadable(label, err.message)));
      }}
    >
      <label htmlFor={id}>{label}</label>
      <input
        id={id} type="file" multiple accept={accept} disabled={disabled}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = ''; // so that picking the same file again is a change
          if (files.length) onFiles(files);
        }}
      />
      {children && <p className="hint">{children}</p>}
    </div>
  );
}

/** The files of a dropped entry: a file, or every file of a folder and its subfolders (hidden ones left out). */
async function entryFiles(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) return new Promise((resolve, reject) => (entry as FileSystemFileEntry).file((f) => resolve([f]), reject));
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries gives at most 100 entries a call: read until it gives none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch.filter((c) => !c.name.startsWith('.')));
  }
  children.sort((a, b) => a.name.localeCompare(b.name));
  return (await Promise.all(children.map(entryFiles))).flat();
}
