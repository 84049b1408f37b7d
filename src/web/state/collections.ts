import type { Collection, Folder, Item, LabRequest } from '../../scripting/model.ts';
import { emptyScripts } from '../../scripting/model.ts';
import { sessionStore } from './session.ts';
import { lab, newId, newRequest, type OpenRequest } from './store.ts';
import { appendItem, copyCollection, type Destination, duplicateInTree, findItem, locationOf, mapItems, moveAmongSiblings, moveToDestination, removeItem, replaceItem, sameDestination } from './tree.ts';

/** Collection edits applied to the store; the tree logic itself is in tree.ts. */

export { findItem } from './tree.ts';

export function createCollection(name = 'My collection'): Collection {
  const collection: Collection = { id: newId(), name, items: [], scripts: emptyScripts(), variables: [] };
  lab.set((s) => ({ ...s, collections: [...s.collections, collection] }));
  return collection;
}

function editCollection(collectionId: string, edit: (c: Collection) => Collection) {
  lab.set((s) => ({ ...s, collections: s.collections.map((c) => (c.id === collectionId ? edit(c) : c)) }));
}

export function renameCollection(collectionId: string, name: string) {
  editCollection(collectionId, (c) => ({ ...c, name }));
}

export function deleteCollection(collectionId: string) {
  lab.set((s) => ({ ...s, collections: s.collections.filter((c) => c.id !== collectionId) }));
}

/** The copy goes right after the original, with new ids, so both can be edited and run apart. */
export function duplicateCollection(collectionId: string) {
  lab.set((s) => ({ ...s, collections: s.collections.flatMap((c) => (c.id === collectionId ? [c, copyCollection(c, newId)] : [c])) }));
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
  editCollection(collectionId, (c) => ({ ...c, items: removeItem(c.items, itemId) }));
}

export function duplicateItem(collectionId: string, itemId: string) {
  editCollection(collectionId, (c) => ({ ...c, items: duplicateInTree(c.items, itemId, newId) }));
}

/** Moves an item one place up or down among its siblings. */
export function moveItem(collectionId: string, itemId: string, delta: -1 | 1) {
  editCollection(collectionId, (c) => ({ ...c, items: moveAmongSiblings(c.items, itemId, delta) }));
}

/** Moves an item into a folder or collection; the open request follows if it was the one moved. */
export function moveItemTo(fromCollectionId: string, itemId: string, to: Destination) {
  lab.set((s) => {
    const collections = moveToDestination(s.collections, fromCollectionId, itemId, to);
    if (collections === s.collections) return s;
    const target = collections.find((c) => c.id === to.collectionId)!;
    const followed = findItem(target.items, s.request.id) ? { ...s.request, collectionId: to.collectionId } : s.request;
    return { ...s, collections, request: followed };
  });
}

/** Adds a folder at the top of a collection, or inside another folder. */
export function addFolder(collectionId: string, parentFolderId?: string, name = 'New folder') {
  const folder: Item = { kind: 'folder', id: newId(), name, items: [], scripts: emptyScripts() };
  editCollection(collectionId, (c) => ({ ...c, items: appendItem(c.items, parentFolderId, folder) }));
}

const asItem = (request: OpenRequest): Item => {
  const { collectionId: _ignored, ...plain } = request;
  return { kind: 'request', ...plain };
};

/** Where the open request is saved now, if it is. */
export function openRequestLocation(): Destination | undefined {
  const { request, collections } = lab.get();
  const collection = collections.find((c) => c.id === request.collectionId);
  return collection && locationOf(collection, request.id);
}

/**
 * Saves the open request. Without a destination it stays where it is saved (or goes to the first
 * collection, made if there is none); with one, it is saved there and leaves its old place.
 */
export function saveOpenRequest(to?: Destination) {
  const current = openRequestLocation();
  const state = lab.get();
  const destination: Destination = to ?? current ?? { collectionId: (state.collections[0] ?? createCollection()).id };
  const item = asItem(lab.get().request);
  lab.set((s) => {
    let collections = s.collections;
    if (current && sameDestination(current, destination)) {
      collections = collections.map((c) => (c.id === destination.collectionId ? { ...c, items: replaceItem(c.items, item) } : c));
    } else {
      if (current) collections = collections.map((c) => (c.id === current.collectionId ? { ...c, items: removeItem(c.items, item.id) } : c));
      collections = collections.map((c) => (c.id === destination.collectionId ? { ...c, items: appendItem(c.items, destination.folderId, item) } : c));
    }
    return { ...s, collections, request: { ...s.request, collectionId: destination.collectionId } };
  });
}

export function openRequest(collectionId: string | undefined, request: LabRequest) {
  const { kind: _kind, ...plain } = request as LabRequest & { kind?: string };
  lab.set((s) => ({ ...s, request: { ...plain, collectionId } }));
}

export function newOpenRequest() {
  lab.set((s) => ({ ...s, request: newRequest() }));
}

/** Where Save (the button or Ctrl+S) puts the open request: the place chosen in "Save in", or where it is saved. */
export function saveTarget(): Destination | undefined {
  const chosen = sessionStore.get().saveIn;
  if (chosen && chosen.requestId === lab.get().request.id) return chosen.destination;
  return openRequestLocation() ?? (lab.get().collections[0] && { collectionId: lab.get().collections[0]!.id });
}

export function chooseSaveTarget(destination: Destination) {
  sessionStore.set({ saveIn: { requestId: lab.get().request.id, destination } });
}

export const saveOpenRequestToTarget = () => saveOpenRequest(saveTarget());
