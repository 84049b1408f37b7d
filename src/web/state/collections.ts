import type { Collection, Folder, Item, LabRequest } from '../../scripting/model.ts';
import { emptyScripts } from '../../scripting/model.ts';
import { lab, newId, newRequest, type OpenRequest } from './store.ts';

/** Tree edits on collections: every function returns new objects, so React sees the change. */

export function createCollection(name = 'My collection'): Collection {
  const collection: Collection = { id: newId(), name, items: [], scripts: emptyScripts(), variables: [] };
  lab.set((s) => ({ ...s, collections: [...s.collections, collection] }));
  return collection;
}

const mapItems = (items: Item[], fn: (item: Item) => Item | null): Item[] =>
  items.flatMap((item) => {
    const mapped = fn(item);
    if (!mapped) return [];
    return [mapped.kind === 'folder' ? { ...mapped, items: mapItems(mapped.items, fn) } : mapped];
  });

function editCollection(collectionId: string, edit: (c: Collection) => Collection) {
  lab.set((s) => ({ ...s, collections: s.collections.map((c) => (c.id === collectionId ? edit(c) : c)) }));
}

export function renameCollection(collectionId: string, name: string) {
  editCollection(collectionId, (c) => ({ ...c, name }));
}

export function deleteCollection(collectionId: string) {
  lab.set((s) => ({ ...s, collections: s.collections.filter((c) => c.id !== collectionId) }));
}

export function updateCollection(collectionId: string, change: Partial<Collection>) {
  editCollection(collectionId, (c) => ({ ...c, ...change }));
}

export function setFolderScripts(collectionId: string, folderId: string, scripts: Folder['scripts']) {
  editCollection(collectionId, (c) => ({ ...c, items: mapItems(c.items, (i) => (i.id === folderId && i.kind === 'folder' ? { ...i, scripts } : i)) }));
}

export function renameItem(collectionId: string, itemId: string, name: string) {
  editCollection(collectionId, (c) => ({ ...c, items: mapItems(c.items, (i) => (i.id === itemId ? { ...i, name } : i)) }));
}

export function deleteItem(collectionId: string, itemId: string) {
  editCollection(collectionId, (c) => ({ ...c, items: mapItems(c.items, (i) => (i.id === itemId ? null : i)) }));
}

const copyItem = (item: Item): Item => (item.kind === 'folder' ? { ...item, id: newId(), items: item.items.map(copyItem) } : { ...item, id: newId() });

/** Puts a copy right after the original, named "… copy". */
export function duplicateItem(collectionId: string, itemId: string) {
  const insertCopy = (items: Item[]): Item[] =>
    items.flatMap((item) => {
      const inner = item.kind === 'folder' ? { ...item, items: insertCopy(item.items) } : item;
      return item.id === itemId ? [inner, { ...copyItem(item), name: `${item.name} copy` }] : [inner];
    });
  editCollection(collectionId, (c) => ({ ...c, items: insertCopy(c.items) }));
}

/** Moves an item one place up or down among its siblings. */
export function moveItem(collectionId: string, itemId: string, delta: -1 | 1) {
  const move = (items: Item[]): Item[] => {
    const index = items.findIndex((i) => i.id === itemId);
    if (index !== -1) {
      const target = index + delta;
      if (target < 0 || target >= items.length) return items;
      const next = [...items];
      [next[index], next[target]] = [next[target]!, next[index]!];
      return next;
    }
    return items.map((i) => (i.kind === 'folder' ? { ...i, items: move(i.items) } : i));
  };
  editCollection(collectionId, (c) => ({ ...c, items: move(c.items) }));
}

export function addFolder(collectionId: string, name = 'New folder') {
  const folder: Folder & { kind: 'folder' } = { kind: 'folder', id: newId(), name, items: [], scripts: emptyScripts() };
  editCollection(collectionId, (c) => ({ ...c, items: [...c.items, folder] }));
}

export function findItem(items: Item[], itemId: string, parents: Folder[] = []): { item: Item; parents: Folder[] } | undefined {
  for (const item of items) {
    if (item.id === itemId) return { item, parents };
    if (item.kind === 'folder') {
      const found = findItem(item.items, itemId, [...parents, item]);
      if (found) return found;
    }
  }
  return undefined;
}

const asItem = (request: OpenRequest): Item => {
  const { collectionId: _ignored, ...plain } = request;
  return { kind: 'request', ...plain };
};

/** Saves the open request where it came from, or into the first collection (made if there is none). */
export function saveOpenRequest() {
  const { request, collections } = lab.get();
  const target = collections.find((c) => c.id === request.collectionId) ?? collections[0] ?? createCollection();
  const exists = findItem(target.items, request.id);
  editCollection(target.id, (c) => ({
    ...c,
    items: exists ? mapItems(c.items, (i) => (i.id === request.id ? asItem(request) : i)) : [...c.items, asItem(request)],
  }));
  lab.set((s) => ({ ...s, request: { ...s.request, collectionId: target.id } }));
}

export function openRequest(collectionId: string | undefined, request: LabRequest) {
  const { kind: _kind, ...plain } = request as LabRequest & { kind?: string };
  lab.set((s) => ({ ...s, request: { ...plain, collectionId } }));
}

export function newOpenRequest() {
  lab.set((s) => ({ ...s, request: newRequest() }));
}
