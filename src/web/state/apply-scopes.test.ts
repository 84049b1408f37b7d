import { describe, expect, it } from 'vitest';
import { mergeCollectionVariables, mergeEnvironmentValues } from './apply-scopes.ts';

describe('writing script variables back', () => {
  it('keeps disabled collection variables through a run that did not touch them', () => {
    const variables = [
      { key: 'baseUrl', value: 'http://a', enabled: true },
      { key: 'old', value: 'x', enabled: false },
    ];
    expect(mergeCollectionVariables(variables, { baseUrl: 'http://a', token: 't' })).toEqual([...variables, { key: 'token', value: 't', enabled: true }]);
  });

  it('updates set values, drops unset ones, and adds a row beside a disabled one a script set, as Postman does', () => {
    const variables = [
      { key: 'a', value: '1', enabled: true },
      { key: 'b', value: '2', enabled: true },
      { key: 'c', value: 'off', enabled: false },
    ];
    expect(mergeCollectionVariables(variables, { a: '10', c: 'on' })).toEqual([
      { key: 'a', value: '10', enabled: true },
      { key: 'c', value: 'off', enabled: false },
      { key: 'c', value: 'on', enabled: true },
    ]);
  });

  it('writes current values of an environment and leaves initial values alone', () => {
    const values = [
      { key: 'token', initial: '', current: 'old', enabled: true },
      { key: 'debug', initial: '1', current: '1', enabled: false },
    ];
    expect(mergeEnvironmentValues(values, { token: 'new' })).toEqual([
      { key: 'token', initial: '', current: 'new', enabled: true },
      { key: 'debug', initial: '1', current: '1', enabled: false },
    ]);
  });
});
