/** What a status code usually means and where a beginner should look, in plain words. */
const MEANINGS: Record<number, string> = {
  200: 'OK — the request worked and the answer is in the body',
  201: 'Created — the server made a new resource; its address is in the Location header',
  204: 'No Content — it worked, and there is nothing to send back',
  301: 'Moved Permanently — the resource lives at the URL in the Location header',
  302: 'Found — the server redirects you to the Location header',
  304: 'Not Modified — your cached copy is still good',
  400: 'Bad Request — the server could not accept what you sent; read the errors in the body',
  401: 'Unauthorized — the server does not know who you are; send a valid Bearer token (log in or refresh)',
  403: 'Forbidden — the server knows who you are, and you are not allowed to do this',
  404: 'Not Found — nothing is at this URL, or it is not yours to see; check the path and the id',
  405: 'Method Not Allowed — this URL exists but not for this method',
  409: 'Conflict — this clashes with what already exists (a taken email, a second order)',
  413: 'Content Too Large — the body is bigger than the server accepts',
  415: 'Unsupported Media Type — send a Content-Type the server understands, such as application/json',
  422: 'Unprocessable Content — the data is well-formed but refers to something invalid',
  429: 'Too Many Requests — slow down; Retry-After says when to try again',
  500: 'Internal Server Error — the server failed; its log says why, the client is not told',
  502: 'Bad Gateway — a proxy could not reach the server behind it',
  503: 'Service Unavailable — the server is busy or shutting down; try again shortly',
  504: 'Gateway Timeout — the server took too long to answer',
};

const CLASSES = ['', 'Informational', 'Success', 'Redirection', 'Client error — look at what you sent', 'Server error — look at the server'];

export function statusMeaning(code: number): string {
  return MEANINGS[code] ?? CLASSES[Math.floor(code / 100)] ?? 'Unknown status';
}

export function statusTone(code: number): 'ok' | 'redirect' | 'client-error' | 'server-error' {
  if (code < 300) return 'ok';
  if (code < 400) return 'redirect';
  return code < 500 ? 'client-error' : 'server-error';
}
