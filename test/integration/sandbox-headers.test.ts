import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import { isProblem, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * /sandbox/<id>/ shares the lab's origin: what learner code serves must never act as the lab
 * (read its IndexedDB, set origin-wide policies, run as a script of the lab page).
 */
describe.each(testDialects())('what a workspace may tell the browser (%s)', (dialect) => {
  let server: TestServer;
  let ws: { id: string; key: string; url: string };
  beforeAll(async () => {
    server = await startTestServer(dialect);
    ws = (await server.request('POST', '/api/workspaces')).body;
    const source = `const app = require("express")();
app.get("/page", (req, res) => {
  res.set({
    "Content-Security-Policy": "default-src * 'unsafe-inline'",
    "X-Frame-Options": "ALLOWALL",
    "Access-Control-Allow-Origin": "https://evil.example",
    "Access-Control-Allow-Credentials": "true",
    "Clear-Site-Data": '"storage"',
    "Strict-Transport-Security": "max-age=0",
    "X-Custom": "kept",
  });
  res.send("<script>alert(localStorage.length)</script>");
});
app.get("/evil.js", (req, res) => res.type("js").send("window.pwned = true;"));
app.get("/data", (req, res) => res.json({ cookies: req.cookies }));
app.post("/login", (req, res) => {
  res.cookie("sid", "s1", { httpOnly: true });
  res.cookie("admin", "a1", { path: "/admin", domain: "example.test" });
  res.redirect("/home");
});
app.get("/away", (req, res) => res.redirect("https://example.test/x"));
app.get("/mine", (req, res) => res.redirect(301, "/sandbox/" + req.query.id + "/home"));
app.listen(3000);
`;
    const deployed = await server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source } });
    expect(deployed.status, deployed.text).toBe(200);
  });
  afterAll(async () => server?.close());

  const get = (path: string, init: RequestInit = {}) => fetch(server.url + path, { redirect: 'manual', ...init });

  it('forces an opaque origin and nosniff, whatever the code set; drops CORS and origin-wide headers', async () => {
    const res = await get(`${ws.url}page`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/^sandbox allow-scripts allow-forms;/);
    expect(csp).not.toContain('default-src *');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('clear-site-data')).toBeNull();
    expect(res.headers.get('strict-transport-security')).not.toBe('max-age=0');
    expect(res.headers.get('x-custom')).toBe('kept');
  });

  it('our own answers under /sandbox are sandboxed too', async () => {
    for (const path of ['/sandbox/nosuchworkspace/', `${ws.url}no/such/route`, `/sandbox/${ws.id}`]) {
      const res = await get(path);
      expect(res.headers.get('content-security-policy'), path).toMatch(/^sandbox /);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('the lab page cannot load workspace code as a script; its fetch calls, curl and other sites can', async () => {
    const asScript = await server.request('GET', `${ws.url}evil.js`, { headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'script', 'sec-fetch-mode': 'no-cors' } });
    expect(isProblem(asScript, 403)).toBe(true);
    expect(asScript.body.detail).toContain('script');
    const asStyle = await server.request('GET', `${ws.url}evil.js`, { headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'style' } });
    expect(asStyle.status).toBe(403);
    const labFetch = await server.request('GET', `${ws.url}data`, { headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' } });
    expect(labFetch.status).toBe(200);
    expect(labFetch.body).toEqual({ cookies: {} });
    expect((await server.request('GET', `${ws.url}evil.js`)).text).toBe('window.pwned = true;');
    // The learner's own page is an opaque origin: its loads are cross-site.
    const ownPage = await server.request('GET', `${ws.url}evil.js`, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'script' } });
    expect(ownPage.status).toBe(200);
  });

  it('cookies and root-relative redirects stay under /sandbox/<id>', async () => {
    const res = await get(`${ws.url}login`, { method: 'POST' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/sandbox/${ws.id}/home`);
    expect(res.headers.getSetCookie()).toEqual([`sid=s1; HttpOnly; Path=/sandbox/${ws.id}`, `admin=a1; Path=/sandbox/${ws.id}/admin`]);
    expect((await get(`${ws.url}away`)).headers.get('location')).toBe('https://example.test/x');
    expect((await get(`${ws.url}mine?id=${ws.id}`)).headers.get('location')).toBe(`/sandbox/${ws.id}/home`);
  });
});
