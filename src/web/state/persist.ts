import { get, set } from 'idb-keyval';
import { initialState, lab, type SavedState } from './store.ts';

const KEY = 'backend-lab:v1';
const SAVE_AFTER_MS = 250;

type SaveStatus = 'saved' | 'saving' | 'failed';
let status: SaveStatus = 'saved';
const statusListeners = new Set<(s: SaveStatus) => void>();
const setStatus = (next: SaveStatus) => {
  status = next;
  statusListeners.forEach((l) => l(next));
};
export const saveStatus = {
  get: () => status,
  subscribe(listener: (s: SaveStatus) => void) {
    statusListeners.add(listener);
    return () => void statusListeners.delete(listener);
  },
};

/** Loads what the last visit saved, then saves every change a moment after it happens. */
export async function startPersistence() {
  try {
    const saved = (await get(KEY)) as Partial<SavedState> | undefined;
    if (saved) lab.set({ ...initialState(), ...saved });
  } catch {
    setStatus('failed');
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = lab.get();
  const save = async () => {
    timer = undefined;
    try {
      await set(KEY, lab.get());
      if (!timer) setStatus('saved');
    } catch {
      setStatus('failed');
    }
  };
  lab.subscribe(() => {
    if (lab.get() === last) return;
    last = lab.get();
    setStatus('saving');
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_AFTER_MS);
  });
  addEventListener('pagehide', () => {
    if (timer) {
      clearTimeout(timer);
      void save();
    }
  });
}
