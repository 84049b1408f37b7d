import { describe, expect, it } from 'vitest';
import type { Collection, Item } from '../../scripting/model.ts';
import { appendItem, copyCollection, destinationOptions, duplicateInTree, findItem, locationOf, moveAmongSiblings, moveToDestination } from './tree.ts';

const scripts = { preRequest: '', tests: '' };
const req = (id: string): Item => ({ kind: 'request', id, name: id, method: 'GET', url: '/', headers: [], body: { mode: 'none' }, auth: { type: 'none' }, scripts });
const folder = (id: string, items: Item[] = []): Item => ({ kind: 'folder', id, name: id, items, scripts });
const collection = (id: string, items: Item[]): Collection => ({ id, name: id, items, scripts, variables: [{ key: 'v', value: '1', enabled: false }] });

/** The tree as ids: folders as [id, children]. */
const shape = (items: Item[]): unknown[] => items.map((i) => (i.kind === 'folder' ? [i.id, shape(i.items)] : i.id));

let counter = 0;
const ids = () => `new${++counter}`;

describe('collection trees', () => {
  const tree = () => [collection('A', [req('r1'), folder('f1', [req('r2'), folder('f2', [req('r3')])])]), collection('B', [])];

  it('appends into a nested folder and finds it there', () => {
    const items = appendItem(tree()[0]!.items, 'f2', folder('f3'));
    expect(shape(items)).toEqual(['r1', ['f1', ['r2', ['f2', ['r3', ['f3', []]]]]]]);
    expect(findItem(items, 'f3')?.parents.map((p) => p.id)).toEqual(['f1', 'f2']);
  });

  it('moves a request into a folder, and a folder into another collection', () => {
    let collections = moveToDestination(tree(), 'A', 'r1', { collectionId: 'A', folderId: 'f2' });
    expect(shape(collections[0]!.items)).toEqual([['f1', ['r2', ['f2', ['r3', 'r1']]]]]);
    expect(locationOf(collections[0]!, 'r1')).toEqual({ collectionId: 'A', folderId: 'f2' });
    collections = moveToDestination(collections, 'A', 'f2', { collectionId: 'B' });
    expect(shape(collections[0]!.items)).toEqual([['f1', ['r2']]]);
    expect(shape(collections[1]!.items)).toEqual([['f2', ['r3', 'r1']]]);
  });

  it('refuses to move a folder into itself or into a folder inside it', () => {
    const before = tree();
    expect(moveToDestination(before, 'A', 'f1', { collectionId: 'A', folderId: 'f1' })).toBe(before);
    expect(moveToDestination(before, 'A', 'f1', { collectionId: 'A', folderId: 'f2' })).toBe(before);
    expect(moveToDestination(before, 'A', 'r1', { collectionId: 'A', folderId: 'missing' })).toBe(before);
  });

  it('duplicates a folder with new ids all the way down, right after the original', () => {
    const items = duplicateInTree(tree()[0]!.items, 'f1', ids);
    expect(items.map((i) => i.name)).toEqual(['r1', 'f1', 'f1 copy']);
    const copy = items[2]!;
    expect(shape([copy])).toEqual([['new1', ['new2', ['new3', ['new4']]]]]);
  });

  it('duplicates a whole collection without sharing ids or objects', () => {
    const original = tree()[0]!;
    const copy = copyCollection(original, ids);
    expect(copy.name).toBe('A copy');
    expect(copy.id).not.toBe(original.id);
    const allIds = (items: Item[]): string[] => items.flatMap((i) => [i.id, ...(i.kind === 'folder' ? allIds(i.items) : [])]);
    expect(allIds(copy.items).filter((id) => allIds(original.items).includes(id))).toEqual([]);
    copy.variables[0]!.value = 'changed';
    expect(original.variables[0]!.value).toBe('1');
  });

  it('moves among siblings inside a folder and stops at the ends', () => {
    const items = appendItem(tree()[0]!.items, 'f1', req('r4'));
    expect(shape(moveAmongSiblings(items, 'r4', -1))).toEqual(['r1', ['f1', ['r2', 'r4', ['f2', ['r3']]]]]);
    expect(moveAmongSiblings(items, 'r1', -1)).toBe(items);
  });

  it('lists every collection and folder as a destination, with its path', () => {
    expect(destinationOptions(tree()).map((d) => d.label)).toEqual(['A', 'A / f1', 'A / f1 / f2', 'B']);
  });
});
