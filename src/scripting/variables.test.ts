import { describe, expect, it } from 'vitest';
import { emptyScopes } from './types.ts';
import { lookupVariable, replaceVariables, unresolvedVariables, variableText } from './variables.ts';

const scopes = () => ({
  globals: { host: 'global.test', g: 'G' },
  collection: { host: 'collection.test', path: '/api/{{resource}}' },
  environment: { host: 'env.test', resource: 'courses' },
  data: { id: '42' },
  local: {},
});

describe('replaceVariables', () => {
  it('uses the narrowest scope and leaves unknown names as typed', () => {
    expect(replaceVariables('http://{{host}}{{path}}/{{id}}?g={{g}}&x={{nope}}', scopes())).toBe('http://env.test/api/courses/42?g=G&x={{nope}}');
    expect(replaceVariables('{{host}}', { ...scopes(), local: { host: 'local.test' } })).toBe('local.test');
    expect(lookupVariable('host', { ...scopes(), data: { host: 'data.test' } })).toBe('data.test');
  });

  it('resolves references inside values, and stops on a cycle', () => {
    expect(replaceVariables('{{path}}', scopes())).toBe('/api/courses');
    const looping = { ...emptyScopes(), environment: { a: '{{b}}', b: '{{a}}' } };
    expect(replaceVariables('{{a}}', looping)).toMatch(/^\{\{[ab]\}\}$/);
  });

  it('dynamic variables give a fresh value each time', () => {
    const text = replaceVariables('{{$guid}} {{$randomUUID}} {{$timestamp}} {{$isoTimestamp}} {{$randomInt}} {{$randomEmail}} {{$unknownDynamic}}', emptyScopes());
    const [guid, uuid, timestamp, iso, int, email, unknown] = text.split(' ');
    expect(guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(guid).not.toBe(uuid);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(new Date(iso!).toISOString()).toBe(iso);
    expect(Number(int)).toBeGreaterThanOrEqual(0);
    expect(Number(int)).toBeLessThanOrEqual(1000);
    expect(email).toMatch(/^[a-z]+\.[0-9a-f]{8}@example\.com$/);
    expect(unknown).toBe('{{$unknownDynamic}}');
  });

  it('a variable named like a dynamic one wins over it', () => {
    expect(replaceVariables('{{$guid}}', { ...emptyScopes(), environment: { $guid: 'fixed' } })).toBe('fixed');
  });
});

describe('variableText', () => {
  it('stores what scripts set as text', () => {
    expect(variableText('a')).toBe('a');
    expect(variableText(3)).toBe('3');
    expect(variableText(false)).toBe('false');
    expect(variableText(undefined)).toBe('');
    expect(variableText({ a: [1] })).toBe('{"a":[1]}');
  });
});

describe('unresolvedVariables', () => {
  it('names what nothing defines, also inside a defined value, each once; dynamic names are defined', () => {
    const withHole = { ...scopes(), environment: { ...scopes().environment, next: '{{missing}}' } };
    expect(unresolvedVariables('{{host}}/{{nope}}/{{next}}/{{nope}}/{{$guid}}', withHole)).toEqual(['nope', 'missing']);
    expect(unresolvedVariables('plain text', scopes())).toEqual([]);
  });
});
