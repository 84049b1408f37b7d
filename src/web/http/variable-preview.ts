import type { Collection, KeyValue } from '../../scripting/model.ts';
import { replaceVariables, unresolvedVariables } from '../../scripting/variables.ts';
import { activeEnvironment, type SavedState } from '../state/store.ts';
import type { Scopes } from './worker-protocol.ts';

/** What the open request's {{variables}} stand for now, before any script runs. */

const record = (entries: KeyValue[]) => Object.fromEntries(entries.filter((v) => v.enabled).map((v) => [v.key, v.value]));

export function scopesFor(state: SavedState, collection?: Collection): Scopes {
  const env = activeEnvironment(state);
  return {
    globals: { ...state.globals },
    collection: collection ? record(collection.variables) : {},
    environment: env ? Object.fromEntries(env.values.filter((v) => v.enabled).map((v) => [v.key, v.current])) : {},
    data: {},
    local: {},
  };
}

const openScopes = (state: SavedState) => scopesFor(state, state.collections.find((c) => c.id === state.request.collectionId));

export const resolvePreview = (state: SavedState, text: string): string => replaceVariables(text, openScopes(state));

export const unknownVariables = (state: SavedState, text: string): string[] => unresolvedVariables(text, openScopes(state));

/** One name's value, or undefined when nothing defines it. */
export function variableValue(state: SavedState, name: string): string | undefined {
  const reference = `{{${name}}}`;
  const value = replaceVariables(reference, openScopes(state));
  return value === reference ? undefined : value;
}
