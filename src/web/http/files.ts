import type { Collection, Environment } from '../../scripting/model.ts';
import { lab } from '../state/store.ts';

/** Postman files in and out. The postman-collection library loads only when a file is handled. */
const postman = () => import('../../scripting/postman.ts');

function download(name: string, data: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const fileName = (name: string, suffix: string) => `${name.replace(/[^\w.-]+/g, '_') || 'export'}.${suffix}.json`;

export async function exportCollectionFile(collection: Collection) {
  const { exportCollection } = await postman();
  download(fileName(collection.name, 'postman_collection'), exportCollection(collection));
}

export async function exportEnvironmentFile(environment: Environment) {
  const { exportEnvironment } = await postman();
  download(fileName(environment.name, 'postman_environment'), exportEnvironment(environment));
}

/** A collection or an environment file, told apart by its shape; returns what was imported. */
export async function importFile(file: File): Promise<string> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new Error('it is not JSON.');
  }
  const { importCollectionReport, importEnvironment } = await postman();
  if (json && typeof json === 'object' && 'values' in json && !('item' in json)) {
    const environment = importEnvironment(json);
    lab.set((s) => ({ ...s, environments: [...s.environments, environment] }));
    return `Imported the environment "${environment.name}" (${environment.values.length} variables).`;
  }
  const { collection, notImported } = importCollectionReport(json);
  lab.set((s) => ({ ...s, collections: [...s.collections, collection] }));
  return `Imported the collection "${collection.name}".${notImportedText(notImported)}`;
}

/** The first few things left out, by request, so the learner knows what to redo by hand. */
const SHOWN = 5;
function notImportedText(notes: string[]): string {
  if (notes.length === 0) return '';
  const more = notes.length > SHOWN ? `; and ${notes.length - SHOWN} more` : '';
  return ` Not imported: ${notes.slice(0, SHOWN).join('; ')}${more}.`;
}
