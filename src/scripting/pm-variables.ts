/**
 * pm.environment, pm.collectionVariables, pm.globals, pm.iterationData and pm.variables, all over
 * one mutable VariableScopes that the engine copied from its input.
 */
import type { VariableScopes } from './types.ts';
import { lookupVariable, replaceVariables, variableText } from './variables.ts';
import { emptyScopes } from './types.ts';

type ScopeName = keyof VariableScopes;

/** A scope's own replaceIn sees only that scope, as Postman's VariableScope.replaceIn does. */
const onlyScope = (name: ScopeName, values: Record<string, string>): VariableScopes => ({ ...emptyScopes(), [name]: values });

function readable(scopes: VariableScopes, name: ScopeName) {
  return {
    get: (key: string): string | undefined => (Object.hasOwn(scopes[name], key) ? scopes[name][key] : undefined),
    has: (key: string) => Object.hasOwn(scopes[name], key),
    toObject: () => ({ ...scopes[name] }),
    toJSON: () => ({ ...scopes[name] }),
    replaceIn: (text: string) => replaceVariables(String(text), onlyScope(name, scopes[name])),
  };
}

function writable(scopes: VariableScopes, name: ScopeName) {
  return {
    ...readable(scopes, name),
    set(key: string, value: unknown) {
      scopes[name][String(key)] = variableText(value);
    },
    unset(key: string) {
      delete scopes[name][key];
    },
    clear() {
      for (const key of Object.keys(scopes[name])) delete scopes[name][key];
    },
  };
}

export function createPmVariables(scopes: VariableScopes, environmentName = '') {
  return {
    environment: { ...writable(scopes, 'environment'), name: environmentName },
    collectionVariables: writable(scopes, 'collection'),
    globals: writable(scopes, 'globals'),
    iterationData: readable(scopes, 'data'),
    variables: {
      get: (key: string) => lookupVariable(key, scopes),
      has: (key: string) => lookupVariable(key, scopes) !== undefined,
      /** Only the local scope: it lives for this request's scripts and is never saved. */
      set(key: string, value: unknown) {
        scopes.local[String(key)] = variableText(value);
      },
      unset(key: string) {
        delete scopes.local[key];
      },
      /** Narrow scopes last, so they win, as in get(). */
      toObject: () => ({ ...scopes.globals, ...scopes.collection, ...scopes.environment, ...scopes.data, ...scopes.local }),
      replaceIn: (text: string) => replaceVariables(String(text), scopes),
    },
  };
}
