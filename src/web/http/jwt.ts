export interface DecodedJwt {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Seconds since the epoch, when the token has an exp claim. */
  expiresAt?: number;
}

const JWT = /eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*/g;

/** JWTs in a response body (access tokens after a login), decoded for reading — not verified. */
export function findJwts(text: string): DecodedJwt[] {
  const found = new Map<string, DecodedJwt>();
  for (const match of text.match(JWT) ?? []) {
    const decoded = decodeJwt(match);
    if (decoded) found.set(match, decoded);
  }
  return [...found.values()];
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const [header, claims] = token.split('.');
  try {
    const parsed = { header: JSON.parse(base64url(header!)), claims: JSON.parse(base64url(claims!)) };
    const exp = typeof parsed.claims.exp === 'number' ? parsed.claims.exp : undefined;
    return { token, ...parsed, expiresAt: exp };
  } catch {
    return undefined;
  }
}

function base64url(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
