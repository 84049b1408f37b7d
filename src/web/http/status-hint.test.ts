import * as chai from 'chai';
import { describe, expect, it } from 'vitest';
import { runScript } from '../../scripting/engine.ts';
import { emptyScopes, type TestError } from '../../scripting/types.ts';
import { failedStatus } from './status-hint.ts';

/** The failures as the engine really reports them, for a 404 response. */
async function failureOf(check: string): Promise<TestError> {
  const output = await runScript({
    kind: 'test',
    code: `pm.test('t', () => { ${check} });`,
    request: { method: 'GET', url: 'http://lab.test/x', headers: [], body: { mode: 'none' } },
    response: { code: 404, status: 'Not Found', headers: [{ key: 'Content-Type', value: 'application/json' }], body: '{}', responseTime: 1, size: 2 },
    scopes: emptyScopes(),
    info: { requestName: 'x', requestId: 'x', iteration: 0 },
    sendRequest: () => Promise.reject(new Error('no network here')),
    console: () => {},
  });
  chai.expect(output.tests[0]?.passed).to.equal(false);
  return output.tests[0]!.error!;
}

describe('the status a failed test is about', () => {
  it.each(['pm.response.to.have.status(200)', 'pm.response.to.be.ok', 'pm.response.to.be.success', 'pm.expect(pm.response.code).to.equal(200)', 'pm.expect(pm.response.code).to.be.oneOf([200, 201])'])('%s → 404', async (check) => {
    expect(failedStatus(await failureOf(check), 404)).toBe(404);
  });

  it('is nothing for a check that is not about the status', async () => {
    expect(failedStatus(await failureOf('pm.expect(404 + 1).to.equal(200)'), 404)).toBeUndefined();
    expect(failedStatus(await failureOf("pm.expect('a').to.equal('b')"), 404)).toBeUndefined();
  });
});
