/**
 * Which status a failed test complained about, so the result can say what that status means.
 * The response assertions name it in their message; a plain chai check on pm.response.code
 * (`pm.expect(pm.response.code).to.equal(200)`) is recognised by its actual value being the
 * response's own status.
 */
const RESPONSE_ASSERTIONS = [
  /status code \S+ but got (\d{3})\b/, // to.have.status(200)
  /expected response to have .*status but got (\d{3})\b/, // to.be.success, clientError, notFound …
  /expected response code to be 200 but found (\d{3})\b/, // to.be.ok
];

export function failedStatus(error: { message: string; actual?: string }, responseCode?: number): number | undefined {
  for (const pattern of RESPONSE_ASSERTIONS) {
    const got = pattern.exec(error.message)?.[1];
    if (got) return Number(got);
  }
  if (responseCode === undefined || error.actual !== String(responseCode)) return undefined;
  return error.message.startsWith(`expected ${responseCode} `) ? responseCode : undefined;
}
