/**
 * Postman Collection v2.1 (and v2.0) files in and out, through Postman's own postman-collection
 * library so its parsing quirks (URL objects, auth lists, inherited auth) are the real ones.
 * The library is large; the browser imports this module only when a file is handled.
 */
import sdk from 'postman-collection';
import { randomUuid } from './ids.ts';
import type { Collection, Environment, Folder, Item, KeyValue, LabRequest, RequestAuth, RequestBody, Scripts } from './model.ts';
import { queryTable, storedParams } from './params.ts';

export const COLLECTION_SCHEMA_V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

const newId = randomUuid;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** A clear refusal beats a half-imported collection. */
function assertCollection(json: unknown): asserts json is Record<string, unknown> & { info: Record<string, unknown>; item: unknown[] } {
  if (!isObject(json)) throw new Error('This is not a Postman collection: expected a JSON object.');
  if (Array.isArray(json.requests) || Array.isArray(json.order)) {
    throw new Error('This is a Postman Collection v1 file, which is not supported: export it from Postman again as v2.1.');
  }
  if (!isObject(json.info) || !Array.isArray(json.item)) {
    throw new Error('This is not a Postman collection: expected "info" and an "item" list (Collection v2.0 or v2.1).');
  }
  const schema = json.info.schema;
  if (typeof schema === 'string' && !/\/v2\.[01]\.\d+\//.test(schema)) {
    throw new Error(`Unsupported collection schema ${schema}: only Postman Collection v2.0 and v2.1 are understood.`);
  }
}

function scriptsOf(events: sdk.EventList): Scripts {
  // Own events only: the lab runs collection and folder scripts itself, from their own level.
  const source = (listen: string) =>
    events
      .listenersOwn(listen)
      .map((event) => {
        const exec = event.script?.exec;
        return Array.isArray(exec) ? exec.join('\n') : text(exec);
      })
      .filter((code) => code.trim() !== '')
      .join('\n');
  return { preRequest: source('prerequest'), tests: source('test') };
}

/** Says what could not be brought over, so an import never drops things silently. */
type Note = (text: string) => void;

function authOf(auth: sdk.RequestAuth | undefined, note: Note): RequestAuth {
  const param = (name: string) => text(auth?.parameters().get(name));
  switch (auth?.type) {
    case undefined:
    case 'noauth':
      return { type: 'none' };
    case 'bearer':
      return { type: 'bearer', token: param('token') };
    case 'basic':
      return { type: 'basic', username: param('username'), password: param('password') };
    case 'apikey':
      return { type: 'apikey', key: param('key'), value: param('value'), in: param('in') === 'query' ? 'query' : 'header' };
    default:
      note(`${auth?.type} auth (the lab has Bearer, Basic and API key)`);
      return { type: 'none' };
  }
}

/** Postman's `raw` covers JSON and text; the language option (or, in older files, the content type) tells which. */
function bodyOf(request: sdk.Request, note: Note): RequestBody {
  const body = request.body as (sdk.RequestBody & { options?: { raw?: { language?: string } }; graphql?: { query?: string; variables?: string } }) | undefined;
  if (!body || !body.mode) return { mode: 'none' };
  if (body.mode === 'raw') {
    const language = body.options?.raw?.language;
    const contentType = request.headers.get('content-type') ?? '';
    const json = language === 'json' || (!language && /json/i.test(String(contentType)));
    return { mode: json ? 'json' : 'text', raw: text(body.raw) };
  }
  if (body.mode === 'urlencoded' || body.mode === 'formdata') {
    type Field = { key?: string | null; value?: unknown; disabled?: boolean; type?: string };
    const list = ((body.mode === 'urlencoded' ? body.urlencoded?.all() : body.formdata?.all()) ?? []) as Field[];
    const files = list.filter((field) => field.type === 'file').map((field) => `"${text(field.key)}"`);
    // Text fields survive; a file cannot be sent from a saved request.
    if (files.length) note(`the file field${files.length > 1 ? 's' : ''} ${files.join(', ')}`);
    const fields: KeyValue[] = list.filter((field) => field.type !== 'file').map((field) => ({ key: text(field.key), value: text(field.value), enabled: !field.disabled }));
    return { mode: body.mode, fields };
  }
  if (body.mode === 'graphql') {
    // What Postman sends for GraphQL: a JSON body with the query and its variables.
    const variables = body.graphql?.variables?.trim();
    let parsed: unknown;
    try {
      parsed = variables ? JSON.parse(variables) : undefined;
    } catch {
      note('GraphQL variables that are not valid JSON');
    }
    return { mode: 'json', raw: JSON.stringify({ query: body.graphql?.query ?? '', ...(parsed === undefined ? {} : { variables: parsed }) }, null, 2) };
  }
  note(`a ${body.mode} body`);
  return { mode: 'none' };
}

/** Postman's URL string leaves disabled parameters out; the table keeps them. */
function paramsOf(url: sdk.Url): KeyValue[] | undefined {
  const query = url.query.all() as { key?: string | null; value?: unknown; disabled?: boolean }[];
  return storedParams(query.map((q) => ({ key: text(q.key), value: text(q.value), enabled: !q.disabled })));
}

function requestOf(item: sdk.Item, notes: string[]): LabRequest {
  const request = item.request;
  const note: Note = (what) => notes.push(`"${item.name}": ${what}`);
  const examples = (item as unknown as { responses?: { count(): number } }).responses?.count() ?? 0;
  if (examples > 0) note(`${examples} saved example response${examples > 1 ? 's' : ''}`);
  const params = paramsOf(request.url);
  return {
    id: newId(),
    name: item.name,
    method: (request.method || 'GET').toUpperCase(),
    url: request.url.toString(),
    ...(params ? { params } : {}),
    headers: request.headers.all().map((h) => ({ key: text(h.key), value: text(h.value), enabled: !h.disabled })),
    body: bodyOf(request, note),
    // Postman requests without auth inherit their folder's or collection's; the lab has auth on requests only.
    auth: authOf(item.getAuth(), note),
    scripts: scriptsOf(item.events),
  };
}

function itemsOf(group: sdk.ItemGroup<sdk.Item>, notes: string[]): Item[] {
  return group.items.map((entry): Item => {
    if (sdk.ItemGroup.isItemGroup(entry)) {
      const folder = entry as sdk.ItemGroup<sdk.Item>;
      return { kind: 'folder', id: newId(), name: folder.name, items: itemsOf(folder, notes), scripts: scriptsOf(folder.events) };
    }
    return { kind: 'request', ...requestOf(entry as sdk.Item, notes) };
  });
}

export interface CollectionImport {
  collection: Collection;
  /** What the file had that the lab could not keep, one line each ("Upload": the file field "avatar"). */
  notImported: string[];
}

export function importCollectionReport(json: unknown): CollectionImport {
  assertCollection(json);
  const collection = new sdk.Collection(json as sdk.CollectionDefinition);
  const notImported: string[] = [];
  return {
    collection: {
      id: newId(),
      name: collection.name || 'Imported collection',
      items: itemsOf(collection, notImported),
      scripts: scriptsOf(collection.events),
      variables: collection.variables.all().map((v) => ({ key: text(v.key), value: text(v.value), enabled: !v.disabled })),
    },
    notImported,
  };
}

export const importCollection = (json: unknown): Collection => importCollectionReport(json).collection;

function eventsOf(scripts: Scripts): sdk.EventDefinition[] {
  const events: sdk.EventDefinition[] = [];
  const add = (listen: string, code: string) => {
    if (code.trim() !== '') events.push({ listen, script: { type: 'text/javascript', exec: code.split('\n') } });
  };
  add('prerequest', scripts.preRequest);
  add('test', scripts.tests);
  return events;
}

function bodyDefinition(body: RequestBody): sdk.RequestBodyDefinition | undefined {
  switch (body.mode) {
    case 'json':
    case 'text':
      return { mode: 'raw', raw: body.raw, options: { raw: { language: body.mode } } } as sdk.RequestBodyDefinition;
    case 'urlencoded':
      return { mode: 'urlencoded', urlencoded: body.fields.map((f) => ({ key: f.key, value: f.value, ...(f.enabled ? {} : { disabled: true }) })) };
    case 'formdata':
      return { mode: 'formdata', formdata: body.fields.map((f) => ({ key: f.key, value: f.value, type: 'text', ...(f.enabled ? {} : { disabled: true }) })) } as sdk.RequestBodyDefinition;
    default:
      return undefined;
  }
}

const authParams = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value, type: 'string' }));

function authDefinition(auth: RequestAuth): sdk.RequestAuthDefinition | undefined {
  switch (auth.type) {
    case 'bearer':
      return { type: 'bearer', bearer: authParams({ token: auth.token }) } as sdk.RequestAuthDefinition;
    case 'basic':
      return { type: 'basic', basic: authParams({ username: auth.username, password: auth.password }) } as sdk.RequestAuthDefinition;
    case 'apikey':
      return { type: 'apikey', apikey: authParams({ key: auth.key, value: auth.value, in: auth.in }) } as sdk.RequestAuthDefinition;
    default:
      return undefined;
  }
}

function itemDefinition(item: Item): sdk.ItemDefinition | sdk.ItemGroupDefinition {
  if (item.kind === 'folder') return { id: item.id, name: item.name, item: item.items.map(itemDefinition), event: eventsOf(item.scripts) };
  return {
    id: item.id,
    name: item.name,
    event: eventsOf(item.scripts),
    request: {
      method: item.method,
      url: item.url,
      header: item.headers.map((h) => ({ key: h.key, value: h.value, ...(h.enabled ? {} : { disabled: true }) })),
      body: bodyDefinition(item.body),
      auth: authDefinition(item.auth),
    } as sdk.RequestDefinition,
  };
}

/** The library parsed the enabled parameters from the URL; the disabled ones go back in their places. */
function queryWithDisabled(parsed: unknown, request: LabRequest): unknown[] | undefined {
  if (!request.params?.some((p) => !p.enabled)) return undefined;
  const enabled = Array.isArray(parsed) ? [...parsed] : [];
  return queryTable(request.url, request.params).map((row) => (row.enabled ? (enabled.shift() ?? { key: row.key, value: row.value }) : { key: row.key, value: row.value, disabled: true }));
}

/** The library writes URLs as parts only; Postman shows `raw`, so it goes back in. */
function withRawUrls(items: unknown[], source: Item[]) {
  items.forEach((entry, index) => {
    const original = source[index];
    if (!isObject(entry) || !original) return;
    if (original.kind === 'folder' && Array.isArray(entry.item)) withRawUrls(entry.item, original.items);
    if (original.kind === 'request' && isObject(entry.request) && isObject(entry.request.url)) {
      const query = queryWithDisabled(entry.request.url.query, original);
      entry.request.url = { raw: original.url, ...entry.request.url, ...(query ? { query } : {}) };
    }
  });
}

export function exportCollection(collection: Collection): object {
  const definition: sdk.CollectionDefinition = {
    info: { _postman_id: collection.id, name: collection.name, schema: COLLECTION_SCHEMA_V21 } as sdk.CollectionDefinition['info'],
    item: collection.items.map(itemDefinition),
    event: eventsOf(collection.scripts),
    variable: collection.variables.map((v) => ({ key: v.key, value: v.value, type: 'string', ...(v.enabled ? {} : { disabled: true }) })),
  };
  const json = new sdk.Collection(definition).toJSON() as Record<string, unknown> & { info: Record<string, unknown>; item: unknown[] };
  json.info = { ...json.info, schema: COLLECTION_SCHEMA_V21 };
  delete json._; // the library's private copy of _postman_id, not part of the format
  withRawUrls(json.item, collection.items);
  return json;
}

export function importEnvironment(json: unknown): Environment {
  if (!isObject(json) || !Array.isArray(json.values)) throw new Error('This is not a Postman environment: expected an object with a "values" list.');
  return {
    id: newId(),
    name: typeof json.name === 'string' && json.name ? json.name : 'Imported environment',
    values: json.values.filter(isObject).map((v) => ({
      key: text(v.key),
      initial: text(v.value),
      current: text(v.value),
      enabled: v.enabled !== false,
    })),
  };
}

/** Only initial values leave: current values may hold a personal token and stay in this browser. */
export function exportEnvironment(environment: Environment): object {
  return {
    id: environment.id,
    name: environment.name,
    values: environment.values.map((v) => ({ key: v.key, value: v.initial, type: 'default', enabled: v.enabled })),
    _postman_variable_scope: 'environment',
    _postman_exported_using: 'Backend Lab',
  };
}
