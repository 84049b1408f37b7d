/**
 * The lab's data model: requests, folders, collections and environments as the browser stores them
 * and the script engine sees them. Close to Postman Collection v2.1 so import and export lose nothing.
 */

export interface KeyValue {
  key: string;
  value: string;
  enabled: boolean;
}

export type RequestBody =
  | { mode: 'none' }
  | { mode: 'json'; raw: string }
  | { mode: 'text'; raw: string }
  | { mode: 'urlencoded'; fields: KeyValue[] }
  /** multipart/form-data with text fields; files cannot be picked from a saved request. */
  | { mode: 'formdata'; fields: KeyValue[] };

/** Postman's apikey auth: a name and value, sent as a header or a query parameter. */
export type ApiKeyAuth = { type: 'apikey'; key: string; value: string; in: 'header' | 'query' };

export type RequestAuth = { type: 'none' } | { type: 'bearer'; token: string } | { type: 'basic'; username: string; password: string } | ApiKeyAuth;

export interface Scripts {
  preRequest: string;
  tests: string;
}

export interface LabRequest {
  id: string;
  name: string;
  method: string;
  /** As typed, with {{variables}} unresolved; a relative URL goes to the lab server. Its query holds the enabled parameters only. */
  url: string;
  /** The query table when a row in it is disabled (Postman keeps those in the table, not in the URL); see params.ts. */
  params?: KeyValue[];
  headers: KeyValue[];
  body: RequestBody;
  auth: RequestAuth;
  scripts: Scripts;
}

export interface Folder {
  id: string;
  name: string;
  items: Item[];
  scripts: Scripts;
}

export type Item = ({ kind: 'request' } & LabRequest) | ({ kind: 'folder' } & Folder);

export interface Collection {
  id: string;
  name: string;
  items: Item[];
  scripts: Scripts;
  variables: KeyValue[];
}

export interface EnvironmentValue {
  key: string;
  /** Shared when exported. */
  initial: string;
  /** What requests use; scripts write here. Stays in this browser. */
  current: string;
  enabled: boolean;
}

export interface Environment {
  id: string;
  name: string;
  values: EnvironmentValue[];
}

export const emptyScripts = (): Scripts => ({ preRequest: '', tests: '' });
