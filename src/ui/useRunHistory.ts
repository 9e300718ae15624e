// The runs kept in this browser (run_history.ts) as the page sees them, the run being recorded now, and which runs
// the charts lay over each other (at most MAX_SHOWN, each with its own colour).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LogEntry } from '../worker/protocol';
import { deleteRun, listRuns, putRun, renameRun, type RunRecord } from './run_history';

export const MAX_SHOWN = 5;
/** One colour per shown run, told apart also by colour-blind readers (Okabe–Ito's palette, darkened for contrast). */
export const RUN_COLORS = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#a16207'];
/** How often a running run's log is written to storage at most. */
const WRITE_EVERY_MS = 2000;

/** `live`: the current run's log and status as the page has them now; recorded as they change. */
export function useRunHistory(live: { logs: LogEntry[]; status: string }) {
  const [stored, setRuns] = useState<RunRecord[]>([]);
  const [shown, setShown] = useState<string[]>([]);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pending = useRef<{ timer: ReturnType<typeof setTimeout> | null; run: RunRecord | null }>({ timer: null, run: null });

  const reload = useCallback(() => listRuns().then(setRuns, (e: Error) => setError(e.message)), []);
  useEffect(() => { void reload(); }, [reload]);

  const write = useCallback((run: RunRecord) => {
    putRun(run).catch((e: Error) => setError(e.message));
  }, []);

  // The runs as stored, the current one with the log and status the page has now.
  const { logs, status } = live;
  const runs = useMemo(() => stored.map((r) => (r.id === currentId ? { ...r, logHistory: logs, status } : r)), [stored, currentId, logs, status]);
  // The current run's log and status, written at most every WRITE_EVERY_MS, and at once when the run ends.
  const current = runs.find((r) => r.id === currentId);
  useEffect(() => {
    if (!current) return;
    const p = pending.current;
    p.run = current;
    if (current.status !== 'running' && current.status !== 'paused') {
      if (p.timer) clearTimeout(p.timer);
      p.timer = null;
      write(current);
    } else if (!p.timer) {
      p.timer = setTimeout(() => { p.timer = null; if (p.run) write(p.run); }, WRITE_EVERY_MS);
    }
  }, [current, write]);

  return {
    runs, shown, currentId, error,
    /** A new run starts: recorded, and shown alone on the charts (tick earlier runs to compare). */
    begin(run: Omit<RunRecord, 'id' | 'name' | 'logHistory' | 'status'> & { logHistory?: LogEntry[] }, name: (n: number) => string) {
      const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      // "run N" after the runs kept, skipping a name already taken (a deleted run's number may be reused, not doubled).
      let n = runs.length + 1;
      while (runs.some((r) => r.name === name(n))) n++;
      const record: RunRecord = { ...run, id, name: name(n), logHistory: run.logHistory ?? [], status: 'running' };
      // The run before keeps the log it ended with (the stored list has it as it began).
      setRuns([...runs, record]);
      setCurrentId(id);
      setShown([id]);
      write(record);
    },
    toggle(id: string) {
      setShown((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length < MAX_SHOWN ? [...s, id] : s));
    },
    async rename(id: string, name: string) {
      setRuns((rs) => rs.map((r) => (r.id === id ? { ...r, name } : r)));
      await renameRun(id, name).catch((e: Error) => setError(e.message));
    },
    async remove(id: string) {
      setRuns((rs) => rs.filter((r) => r.id !== id));
      setShown((s) => s.filter((x) => x !== id));
      if (id === currentId) setCurrentId(null);
      await deleteRun(id).catch((e: Error) => setError(e.message));
    },
  };
}

export type RunHistory = ReturnType<typeof useRunHistory>;

/** A shown run's colour: by its place among the shown runs. */
export const colorOf = (shown: string[], id: string) => RUN_COLORS[Math.max(0, shown.indexOf(id)) % RUN_COLORS.length];
