import type { Collection, Folder, Item } from '../../scripting/model.ts';
import { randomUuid } from '../../scripting/ids.ts';

/**
 * Pure edits of a collection's item tree. Every function returns new objects and leaves its input
 * alone, so React sees each change and the store can keep the old state for comparison.
 */

export type FolderItem = Folder & { kind: 'folder' };

/** A place an item can go: a collection's top level, or a folder (at any depth) inside it. */
export interface Destination {
  collectionId: string;
  folderId?: string;
}

export const mapItems = (items: Item[], fn: (item: Item) => Item | null): Item[] =>
  items.flatMap((item) => {
    const mapped = fn(item);
    if (!mapped) return [];
    return [mapped.kind === 'folder' ? { ...mapped, items: mapItems(mapped.items, fn) } : mapped];
  });

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

/** Where an item sits now: its folder, or the top level. */
export function locationOf(collection: Collection, itemId: string): Destination | undefined {
  const found = findItem(collection.items, itemId);
  return found && { collectionId: collection.id, folderId: found.parents.at(-1)?.id };
}

export function removeItem(items: Item[], itemId: string): Item[] {
  return mapItems(items, (item) => (item.id === itemId ? null : item));
}

/** Appends to a folder's items, or to the top level when folderId is undefined. */
export function appendItem(items: Item[], folderId: string | undefined, added: Item): Item[] {
  if (folderId === undefined) return [...items, added];
  return items.map((item) => {
    if (item.kind !== 'folder') return item;
    if (item.id === folderId) return { ...item, items: [...item.items, added] };
    return { ...item, items: appendItem(item.items, folderId, added) };
  });
}

/** Replaces an item where it is, wherever that is. */
export function replaceItem(items: Item[], replacement: Item): Item[] {
  return mapItems(items, (item) => (item.id === replacement.id ? replacement : item));
}

/** A copy with fresh ids all the way down, so the copy and the original never share an id. */
export function copyItem(item: Item, newId: () => string = randomUuid): Item {
  return item.kind === 'folder' ? { ...item, id: newId(), items: item.items.map((child) => copyItem(child, newId)) } : { ...item, id: newId() };
}

export function copyCollection(collection: Collection, newId: () => string = randomUuid): Collection {
  return { ...collection, id: newId(), name: `${collection.name} copy`, items: collection.items.map((item) => copyItem(item, newId)), variables: collection.variables.map((v) => ({ ...v })) };
}

/** Puts a copy right after the original, named "… copy". */
export function duplicateInTree(items: Item[], itemId: string, newId: () => string = randomUuid): Item[] {
  return items.flatMap((item) => {
    const inner = item.kind === 'folder' ? { ...item, items: duplicateInTree(item.items, itemId, newId) } : item;
    return item.id === itemId ? [inner, { ...copyItem(item, newId), name: `${item.name} copy` }] : [inner];
  });
}

/** Swaps an item with its neighbour among its siblings; at either end nothing changes. */
export function moveAmongSiblings(items: Item[], itemId: string, delta: -1 | 1): Item[] {
  const index = items.findIndex((i) => i.id === itemId);
  if (index !== -1) {
    const target = index + delta;
    if (target < 0 || target >= items.length) return items;
    const next = [...items];
    [next[index], next[target]] = [next[target]!, next[index]!];
    return next;
  }
  return items.map((i) => (i.kind === 'folder' ? { ...i, items: moveAmongSiblings(i.items, itemId, delta) } : i));
}

/** True when `id` is the item itself or anything inside it: a folder cannot go into itself. */
export function containsId(item: Item, id: string): boolean {
  return item.id === id || (item.kind === 'folder' && item.items.some((child) => containsId(child, id)));
}

/**
 * Moves an item (with everything inside it) to the end of another folder or collection. A move
 * into the item itself or into one of its own folders changes nothing.
 */
export function moveToDestination(collections: Collection[], fromCollectionId: string, itemId: string, to: Destination): Collection[] {
  const source = collections.find((c) => c.id === fromCollectionId);
  const target = collections.find((c) => c.id === to.collectionId);
  const found = source && findItem(source.items, itemId);
  if (!found || !target) return collections;
  if (to.folderId !== undefined) {
    if (containsId(found.item, to.folderId)) return collections;
    if (!findItem(target.items, to.folderId)) return collections;
  }
  return collections
    .map((c) => (c.id === fromCollectionId ? { ...c, items: removeItem(c.items, itemId) } : c))
    .map((c) => (c.id === to.collectionId ? { ...c, items: appendItem(c.items, to.folderId, found.item) } : c));
}

export interface DestinationOption extends Destination {
  /** "Collection / Folder / Inner folder", as a picker shows it. */
  label: string;
}

/** Every collection and folder, depth first, in the order the tree shows them. */
export function destinationOptions(collections: Collection[]): DestinationOption[] {
  const options: DestinationOption[] = [];
  const walk = (collectionId: string, items: Item[], path: string) => {
    for (const item of items) {
      if (item.kind !== 'folder') continue;
      const label = `${path} / ${item.name}`;
      options.push({ collectionId, folderId: item.id, label });
      walk(collectionId, item.items, label);
    }
  };
  for (const collection of collections) {
    options.push({ collectionId: collection.id, label: collection.name });
    walk(collection.id, collection.items, collection.name);
  }
  return options;
}

/** One string per destination, for a <select>'s value. */
export const destinationKey = (d: Destination) => (d.folderId ? `${d.collectionId}/${d.folderId}` : d.collectionId);

export const sameDestination = (a: Destination | undefined, b: Destination | undefined) => Boolean(a && b && destinationKey(a) === destinationKey(b));
