// A file picker that files can also be dropped on.
import { useId, useState, type ReactNode } from 'react';

interface Props {
  /** The file input's accessible name. */
  label: string;
  accept?: string;
  disabled?: boolean;
  onFiles(files: File[]): void;
  children?: ReactNode;
}

export function DropZone({ label, accept, disabled, onFiles, children }: Props) {
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
        if (!disabled && e.dataTransfer.files.length) onFiles([...e.dataTransfer.files]);
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
