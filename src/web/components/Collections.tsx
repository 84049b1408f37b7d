import { useRef, useState } from 'react';
import type { Collection, Item } from '../../scripting/model.ts';
import { exportCollectionFile, importFile } from '../http/files.ts';
import { runCollectionInLab } from '../http/run.ts';
import {
  addFolder,
  createCollection,
  deleteCollection,
  deleteItem,
  duplicateCollection,
  duplicateItem,
  moveItem,
  moveItemTo,
  newOpenRequest,
  openRequest,
  renameCollection,
  renameItem,
  setFolderScripts,
  updateCollection,
} from '../state/collections.ts';
import { useLab } from '../state/store.ts';
import { containsId } from '../state/tree.ts';
import { DestinationSelect } from './DestinationSelect.tsx';
import { Icon } from './Icon.tsx';
import { OwnerSettings } from './OwnerSettings.tsx';
import { RunnerSummary } from './RunnerSummary.tsx';

export function Collections() {
  const collections = useLab((s) => s.collections);
  const openId = useLab((s) => s.request.id);
  const [message, setMessage] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  const onImport = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    try {
      setMessage(await importFile(file));
    } catch (error) {
      setMessage(`Could not import ${file.name}: ${(error as Error).message}`);
    }
    if (fileInput.current) fileInput.current.value = '';
  };

  return (
    <div className="collections">
      <div className="toolbar">
        <button type="button" onClick={() => newOpenRequest()}>
          New request
        </button>
        <button type="button" onClick={() => createCollection(`Collection ${collections.length + 1}`)}>
          New collection
        </button>
        <label className="button">
          Import
          <input ref={fileInput} type="file" accept=".json,application/json" className="visually-hidden" aria-label="Import a Postman collection or environment file" onChange={(e) => void onImport(e.target.files)} />
        </label>
      </div>
      <p role="status" className="muted import-message">
        {message}
      </p>
      {collections.length === 0 && <p className="muted">No collections yet. Save a request (Ctrl+S) or import a Postman v2.1 file.</p>}
      <ul className="tree" aria-label="Collections">
        {collections.map((collection) => (
          <CollectionNode key={collection.id} collection={collection} collections={collections} openId={openId} />
        ))}
      </ul>
      <RunnerSummary />
    </div>
  );
}

function CollectionNode({ collection, collections, openId }: { collection: Collection; collections: Collection[]; openId: string }) {
  const [settings, setSettings] = useState(false);
  return (
    <li className="collection">
      <details open>
        <summary>
          <span className="node-name">{collection.name}</span>
        </summary>
        <div className="node-actions" role="group" aria-label={`${collection.name} actions`}>
          <button type="button" onClick={() => void runCollectionInLab(collection.id)} aria-label={`Run ${collection.name}`}>
            Run
          </button>
          <button type="button" onClick={() => rename(collection.name, (name) => renameCollection(collection.id, name))} aria-label={`Rename ${collection.name}`}>
            Rename
          </button>
          <button type="button" onClick={() => addFolder(collection.id)} aria-label={`Add a folder to ${collection.name}`}>
            + Folder
          </button>
          <button type="button" onClick={() => duplicateCollection(collection.id)} aria-label={`Duplicate ${collection.name}`}>
            Duplicate
          </button>
          <button type="button" aria-expanded={settings} onClick={() => setSettings(!settings)} aria-label={`Scripts and variables of ${collection.name}`}>
            Scripts
          </button>
          <button type="button" onClick={() => void exportCollectionFile(collection)} aria-label={`Export ${collection.name}`}>
            Export
          </button>
          <button type="button" onClick={() => confirm(`Delete the collection "${collection.name}"?`) && deleteCollection(collection.id)} aria-label={`Delete ${collection.name}`}>
            Delete
          </button>
        </div>
        {settings && (
          <OwnerSettings
            name={collection.name}
            scripts={collection.scripts}
            onScripts={(scripts) => updateCollection(collection.id, { scripts })}
            variables={collection.variables}
            onVariables={(variables) => updateCollection(collection.id, { variables })}
          />
        )}
        <ItemList items={collection.items} collection={collection} collections={collections} openId={openId} />
      </details>
    </li>
  );
}

function ItemList({ items, collection, collections, openId }: { items: Item[]; collection: Collection; collections: Collection[]; openId: string }) {
  if (items.length === 0) return <p className="muted empty">Empty</p>;
  return (
    <ul>
      {items.map((item) => (
        <li key={item.id} className={item.kind}>
          {item.kind === 'folder' ? (
            <details open>
              <summary>
                <span className="node-name">
                  <Icon name="folder" /> {item.name}
                </span>
              </summary>
              <ItemActions item={item} collection={collection} collections={collections} />
              <ItemList items={item.items} collection={collection} collections={collections} openId={openId} />
            </details>
          ) : (
            <div className="request-node">
              <button type="button" className={`open-request${item.id === openId ? ' current' : ''}`} aria-current={item.id === openId ? 'true' : undefined} onClick={() => openRequest(collection.id, item)}>
                <span className={`method method-${item.method.toLowerCase()}`}>{item.method}</span> {item.name}
              </button>
              <ItemActions item={item} collection={collection} collections={collections} />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function ItemActions({ item, collection, collections }: { item: Item; collection: Collection; collections: Collection[] }) {
  const [settings, setSettings] = useState(false);
  const [moving, setMoving] = useState(false);
  return (
    <>
      <span className="node-actions" role="group" aria-label={`${item.name} actions`}>
        {item.kind === 'folder' && (
          <>
            <button type="button" className="icon" aria-label={`Run folder ${item.name}`} onClick={() => void runCollectionInLab(collection.id, item.id)}>
              <Icon name="play" />
            </button>
            <button type="button" className="icon" aria-expanded={settings} aria-label={`Scripts of folder ${item.name}`} onClick={() => setSettings(!settings)}>
              {'{}'}
            </button>
            <button type="button" className="icon" aria-label={`Add a folder to ${item.name}`} onClick={() => addFolder(collection.id, item.id)}>
              <Icon name="folderPlus" />
            </button>
          </>
        )}
        <button type="button" className="icon" aria-label={`Move ${item.name} up`} onClick={() => moveItem(collection.id, item.id, -1)}>
          <Icon name="up" />
        </button>
        <button type="button" className="icon" aria-label={`Move ${item.name} down`} onClick={() => moveItem(collection.id, item.id, 1)}>
          <Icon name="down" />
        </button>
        <button type="button" className="icon" aria-expanded={moving} aria-label={`Move ${item.name} to a folder`} onClick={() => setMoving(!moving)}>
          <Icon name="move" />
        </button>
        <button type="button" className="icon" aria-label={`Rename ${item.name}`} onClick={() => rename(item.name, (name) => renameItem(collection.id, item.id, name))}>
          <Icon name="pencil" />
        </button>
        <button type="button" className="icon" aria-label={`Duplicate ${item.name}`} onClick={() => duplicateItem(collection.id, item.id)}>
          <Icon name="copy" />
        </button>
        <button type="button" className="icon" aria-label={`Delete ${item.name}`} onClick={() => confirm(`Delete "${item.name}"?`) && deleteItem(collection.id, item.id)}>
          <Icon name="trash" />
        </button>
        {settings && item.kind === 'folder' && <OwnerSettings name={item.name} scripts={item.scripts} onScripts={(scripts) => setFolderScripts(collection.id, item.id, scripts)} />}
      </span>
      {moving && (
        <span className="move-to">
          <DestinationSelect
            label={`Move ${item.name} to`}
            placeholder="Move to …"
            collections={collections}
            // A folder cannot go into itself or into one of its own folders.
            exclude={(d) => d.folderId !== undefined && containsId(item, d.folderId)}
            onChange={(destination) => {
              setMoving(false);
              moveItemTo(collection.id, item.id, destination);
            }}
          />
        </span>
      )}
    </>
  );
}

function rename(current: string, apply: (name: string) => void) {
  const name = prompt('New name', current)?.trim();
  if (name) apply(name);
}
