/**
 * {{variable}} resolution, shared by the request pipeline and pm.variables.replaceIn so both see
 * the same value for the same name.
 */
import { randomUuid } from './ids.ts';
import type { VariableScopes } from './types.ts';

/** Postman's precedence: the narrowest scope wins. */
const PRECEDENCE = ['local', 'data', 'environment', 'collection', 'globals'] as const;

/** Postman's own pattern: no braces inside, nothing trimmed. */
const REFERENCE = /\{\{([^{}]*?)\}\}/g;

/** A value may itself hold {{references}}; Postman stops after this many rounds, so do we. */
const MAX_DEPTH = 20;

export function lookupVariable(name: string, scopes: VariableScopes): string | undefined {
  for (const scope of PRECEDENCE) {
    if (Object.hasOwn(scopes[scope], name)) return scopes[scope][name];
  }
  return undefined;
}

const FIRST_NAMES = ['ada', 'alan', 'grace', 'linus', 'margaret', 'barbara', 'ken', 'dennis'];
const randomInt = (max: number) => Math.floor(Math.random() * max);

/** Dynamic variables: a fresh value at each occurrence, as in Postman. */
const DYNAMIC: Record<string, () => string> = {
  $guid: () => randomUuid(),
  $randomUUID: () => randomUuid(),
  $timestamp: () => String(Math.floor(Date.now() / 1000)),
  $isoTimestamp: () => new Date().toISOString(),
  $randomInt: () => String(randomInt(1001)),
  $randomEmail: () => `${FIRST_NAMES[randomInt(FIRST_NAMES.length)]}.${randomUuid().slice(0, 8)}@example.com`,
};

export const dynamicVariableNames = (): string[] => Object.keys(DYNAMIC);

/** Replaces every {{name}} it can; unknown names are left as typed so the mistake stays visible. */
export function replaceVariables(text: string, scopes: VariableScopes): string {
  let current = text;
  for (let depth = 0; depth < MAX_DEPTH && current.includes('{{'); depth++) {
    let changed = false;
    current = current.replace(REFERENCE, (whole, name: string) => {
      const value = lookupVariable(name, scopes) ?? DYNAMIC[name]?.();
      if (value === undefined) return whole;
      changed = true;
      return value;
    });
    if (!changed) break;
  }
  return current;
}

/** Scripts may set numbers, booleans or objects; scopes hold text, as an exported file does. */
export function variableText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/**
 * The {{names}} that nothing defines, once everything that can be resolved is (a value may refer
 * to another name), each once, in order. A pre-request script may still set them.
 */
export function unresolvedVariables(text: string, scopes: VariableScopes): string[] {
  if (!text.includes('{{')) return [];
  const left = replaceVariables(text, scopes);
  return [...new Set([...left.matchAll(REFERENCE)].map((match) => match[1]!))];
}
