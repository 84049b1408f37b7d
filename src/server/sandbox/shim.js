// The learner-facing runtime, evaluated inside each workspace's QuickJS context before the
// learner's code. It builds express, http, jsonwebtoken, bcrypt, db, console, timers and require
// out of two host functions that take and return strings only:
//   __host(op, json)              synchronous (jwt, respond, log, timers)
//   __hostAsync(op, json, id)     starts host work; the host later calls event('done', id, json)
// Nothing here is trusted by the host: whatever this file (or learner code that rewrites it)
// passes out is a string that the host parses and validates.
//
// Paths are matched by a small matcher of our own (compilePath below), written after
// path-to-regexp 0.1's simple syntax (`:name`, `:name?`, `*`, RegExp paths): the real package is
// Node code that cannot be loaded into QuickJS, and the subset classic Express code uses is small.
(function (host, hostAsync, WORKSPACE_ID, LIMITS, hostRespond) {
  'use strict';
  // Intrinsics the shim relies on, kept before learner code can replace them.
  const JSON = { stringify: globalThis.JSON.stringify, parse: globalThis.JSON.parse };
  const FILE = 'app.js';
  const STATUS_TEXT = {
    200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
    303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
    409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
    422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
    502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  };

  // ---- host calls ---------------------------------------------------------------------------
  function errorFrom(e) {
    const Ctor = e.name === 'TypeError' ? TypeError : e.name === 'RangeError' ? RangeError : Error;
    const err = new Ctor(e.message);
    if (e.name && e.name !== err.name) err.name = e.name;
    for (const k of Object.keys(e)) if (k !== 'name' && k !== 'message') err[k] = e[k];
    return err;
  }
  function call(op, args) {
    const out = JSON.parse(host(op, JSON.stringify(args === undefined ? null : args)));
    if (out.e) throw errorFrom(out.e);
    return out.v;
  }
  const pending = new Map();
  let nextId = 1;
  function callAsync(op, args) {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      hostAsync(op, JSON.stringify(args === undefined ? null : args), id);
    });
  }

  // ---- errors and lines ---------------------------------------------------------------------
  function lineOf(err) {
    const stack = err && typeof err.stack === 'string' ? err.stack : '';
    const m = /app\.js:(\d+)(?::(\d+))?/.exec(stack);
    if (m) return Number(m[1]);
    if (err && err.fileName === FILE && typeof err.lineNumber === 'number') return err.lineNumber;
    return undefined;
  }
  function callerLine() {
    const stack = new Error().stack || '';
    const m = /app\.js:(\d+)/.exec(stack);
    return m ? Number(m[1]) : undefined;
  }
  /** A stack as the learner should read it: their own frames, not the lab's shim (express, next, dispatch). */
  function learnerStack(stack) {
    return String(stack).split('\n').filter((frame) => frame.trim() !== '' && frame.indexOf('lab-shim.js') < 0).join('\n');
  }
  function isOutOfMemory(err) {
    return !!err && err.message === 'out of memory';
  }

  // ---- console ------------------------------------------------------------------------------
  function inspect(value, depth, seen) {
    if (typeof value === 'string') return depth === 0 ? value : JSON.stringify(value);
    if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    if (typeof value === 'symbol') return value.toString();
    if (typeof value === 'function') return '[Function: ' + (value.name || 'anonymous') + ']';
    if (value instanceof Error) return learnerStack(value.stack || '') ? value.name + ': ' + value.message + '\n' + learnerStack(value.stack) : value.name + ': ' + value.message;
    if (seen.indexOf(value) >= 0) return '[Circular]';
    if (depth > 3) return Array.isArray(value) ? '[Array]' : '[Object]';
    seen.push(value);
    try {
      if (Array.isArray(value)) {
        const items = value.slice(0, 100).map((v) => inspect(v, depth + 1, seen));
        if (value.length > 100) items.push('... ' + (value.length - 100) + ' more items');
        return '[ ' + items.join(', ') + ' ]';
      }
      if (value instanceof Date) return isNaN(value) ? 'Invalid Date' : value.toISOString();
      const keys = Object.keys(value);
      if (keys.length === 0) return '{}';
      const parts = keys.slice(0, 100).map((k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)) + ': ' + inspect(value[k], depth + 1, seen));
      return '{ ' + parts.join(', ') + ' }';
    } finally {
      seen.pop();
    }
  }
  function format(args) {
    return args.map((a) => inspect(a, 0, [])).join(' ');
  }
  function log(level, message, line) {
    call('log', { level, message: String(message).slice(0, LIMITS.logChars + 1), line });
  }
  const consoleObject = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    consoleObject[level] = function (...args) {
      log(level === 'debug' ? 'log' : level, format(args), callerLine());
    };
  }
  consoleObject.table = consoleObject.log;
  consoleObject.dir = consoleObject.log;

  // ---- timers -------------------------------------------------------------------------------
  const timers = new Map();
  let nextTimer = 1;
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be a function');
    const id = nextTimer++;
    timers.set(id, { fn, args, repeat });
    call('timer', { id, ms: Number(ms) || 0, repeat });
    return id;
  }
  function clearTimer(id) {
    if (id && typeof id === 'object') id = id.id;
    if (timers.delete(id)) call('clearTimer', { id });
  }
  function fireTimer(id) {
    const t = timers.get(id);
    if (!t) return;
    if (!t.repeat) timers.delete(id);
    try {
      t.fn.apply(undefined, t.args);
    } catch (err) {
      reportError(err, 'A timer callback threw');
    }
  }
  function reportError(err, what) {
    if (isOutOfMemory(err)) call('oom', null);
    const line = lineOf(err);
    log('error', what + ': ' + (err && err.stack ? String(err.name) + ': ' + err.message + '\n' + learnerStack(err.stack) : String(err)), line);
  }

  // ---- jsonwebtoken ---------------------------------------------------------------------------
  class JsonWebTokenError extends Error {
    constructor(message, inner) {
      super(message);
      this.name = 'JsonWebTokenError';
      if (inner) this.inner = inner;
    }
  }
  class TokenExpiredError extends JsonWebTokenError {
    constructor(message, expiredAt) {
      super(message);
      this.name = 'TokenExpiredError';
      this.expiredAt = expiredAt;
    }
  }
  class NotBeforeError extends JsonWebTokenError {
    constructor(message, date) {
      super(message);
      this.name = 'NotBeforeError';
      this.date = date;
    }
  }
  function jwtCall(op, args) {
    const out = JSON.parse(host(op, JSON.stringify(args)));
    if (!out.e) return out.v;
    const e = out.e;
    if (e.name === 'TokenExpiredError') throw new TokenExpiredError(e.message, new Date(e.expiredAt));
    if (e.name === 'NotBeforeError') throw new NotBeforeError(e.message, new Date(e.date));
    if (e.name === 'JsonWebTokenError') throw new JsonWebTokenError(e.message);
    throw errorFrom(e);
  }
  function secretText(secret) {
    if (secret === undefined || secret === null || secret === '') return null;
    return typeof secret === 'string' ? secret : String(secret);
  }
  function withCallback(args, work) {
    const cb = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : null;
    if (!cb) return work();
    Promise.resolve().then(() => {
      let result;
      try {
        result = work();
      } catch (err) {
        cb(err);
        return;
      }
      cb(null, result);
    });
  }
  const jwt = {
    sign(payload, secret, options, cb) {
      const args = [payload, secret, options, cb];
      if (typeof options === 'function') options = undefined;
      return withCallback(args.filter((a) => a !== undefined), () => {
        if (payload === undefined) throw new Error('payload is required');
        const key = secretText(secret);
        if (key === null) throw new Error('secretOrPrivateKey must have a value');
        return jwtCall('jwt.sign', { payload, secret: key, options: options || {} });
      });
    },
    verify(token, secret, options, cb) {
      const args = [token, secret, options, cb];
      if (typeof options === 'function') options = undefined;
      return withCallback(args.filter((a) => a !== undefined), () => {
        if (!token) throw new JsonWebTokenError('jwt must be provided');
        if (typeof token !== 'string') throw new JsonWebTokenError('jwt must be a string');
        const key = secretText(secret);
        if (key === null) throw new JsonWebTokenError('secret or public key must be provided');
        return jwtCall('jwt.verify', { token, secret: key, options: options || {} });
      });
    },
    decode(token, options) {
      if (typeof token !== 'string') return null;
      return jwtCall('jwt.decode', { token, options: options || {} });
    },
    JsonWebTokenError,
    TokenExpiredError,
    NotBeforeError,
  };

  // ---- bcrypt -------------------------------------------------------------------------------
  function promiseOrCallback(promise, cb) {
    if (typeof cb !== 'function') return promise;
    promise.then((v) => cb(null, v), (err) => cb(err));
    return undefined;
  }
  const bcrypt = {
    genSalt(rounds, cb) {
      if (typeof rounds === 'function') { cb = rounds; rounds = 10; }
      return promiseOrCallback(callAsync('bcrypt.genSalt', { rounds: rounds === undefined ? 10 : rounds }), cb);
    },
    genSaltSync(rounds) {
      return call('bcrypt.genSaltSync', { rounds: rounds === undefined ? 10 : rounds });
    },
    hash(password, saltOrRounds, cb) {
      return promiseOrCallback(callAsync('bcrypt.hash', { password: String(password), salt: saltOrRounds === undefined ? 10 : saltOrRounds }), cb);
    },
    hashSync(password, saltOrRounds) {
      return call('bcrypt.hashSync', { password: String(password), salt: saltOrRounds === undefined ? 10 : saltOrRounds });
    },
    compare(password, hash, cb) {
      return promiseOrCallback(callAsync('bcrypt.compare', { password: String(password), hash: String(hash) }), cb);
    },
    compareSync(password, hash) {
      return call('bcrypt.compareSync', { password: String(password), hash: String(hash) });
    },
    getRounds(hash) {
      const m = /^\$2[abxy]\$(\d\d)\$/.exec(String(hash));
      if (!m) throw new Error('Invalid hash provided');
      return Number(m[1]);
    },
  };

  // ---- db -----------------------------------------------------------------------------------
  function plainArgs(value) {
    // Dates become ISO strings, undefined becomes null: what drivers do with them.
    return JSON.parse(JSON.stringify(value === undefined ? null : value, (k, v) => (v === undefined ? null : v)));
  }
  // JSON has no RegExp (it writes {}, which matches everything): a filter's RegExps travel as
  // { $labRegExp: [source, flags] } and the host makes them RegExps again (filters.ts).
  function filterArg(value, depth) {
    if (value instanceof RegExp) return { $labRegExp: [value.source, value.flags] };
    if (!value || typeof value !== 'object' || value instanceof Date) return value;
    if ((depth || 0) > 32) throw new TypeError('The query filter is nested too deeply');
    if (Array.isArray(value)) return value.map((v) => filterArg(v, (depth || 0) + 1));
    const out = {};
    for (const key of Object.keys(value)) out[key] = filterArg(value[key], (depth || 0) + 1);
    return out;
  }
  class Cursor {
    constructor(collection, filter, options) {
      this._c = collection;
      this._q = { filter: filter || {}, projection: (options && options.projection) || null, sort: (options && options.sort) || null, skip: (options && options.skip) || 0, limit: (options && options.limit) || 0 };
    }
    sort(spec) { this._q.sort = spec; return this; }
    skip(n) { this._q.skip = n; return this; }
    limit(n) { this._q.limit = n; return this; }
    project(p) { this._q.projection = p; return this; }
    toArray() { return callAsync('docs.find', Object.assign({ collection: this._c }, plainArgs(this._q))); }
    then(resolve, reject) { return this.toArray().then(resolve, reject); }
    catch(reject) { return this.toArray().catch(reject); }
    forEach(fn) { return this.toArray().then((docs) => { docs.forEach(fn); }); }
    map(fn) { return this.toArray().then((docs) => docs.map(fn)); }
    count() { return callAsync('docs.count', { collection: this._c, filter: plainArgs(this._q.filter) }); }
  }
  function collection(name) {
    if (typeof name !== 'string' || !/^[A-Za-z_][\w.-]{0,63}$/.test(name)) throw new TypeError('Collection names are letters, digits, _ . - (at most 64), got ' + JSON.stringify(name));
    const op = (what, args) => callAsync('docs.' + what, Object.assign({ collection: name }, plainArgs(args)));
    return Object.freeze({
      collectionName: name,
      insertOne: (doc) => op('insertOne', { doc }),
      insertMany: (docs) => op('insertMany', { docs }),
      find: (filter, options) => new Cursor(name, plainArgs(filterArg(filter || {})), plainArgs(options || {})),
      findOne: (filter, options) => op('findOne', { filter: filterArg(filter || {}), options: options || {} }),
      updateOne: (filter, update, options) => op('updateOne', { filter: filterArg(filter), update, options: options || {} }),
      updateMany: (filter, update, options) => op('updateMany', { filter: filterArg(filter), update, options: options || {} }),
      replaceOne: (filter, doc, options) => op('replaceOne', { filter: filterArg(filter), doc, options: options || {} }),
      deleteOne: (filter) => op('deleteOne', { filter: filterArg(filter || {}) }),
      deleteMany: (filter) => op('deleteMany', { filter: filterArg(filter || {}) }),
      countDocuments: (filter) => op('count', { filter: filterArg(filter || {}) }),
      drop: () => op('drop', {}),
    });
  }
  const collections = new Map();
  const dbBase = {
    query(sql, params) {
      if (typeof sql !== 'string') return Promise.reject(new TypeError('db.query(sql, params): sql must be a string'));
      return callAsync('db.query', { sql, params: plainArgs(params || []) });
    },
    collection(name) {
      if (!collections.has(name)) collections.set(name, collection(name));
      return collections.get(name);
    },
  };
  dbBase.execute = dbBase.query;
  // Which SQL the workspace database speaks ('sqlite' or 'postgres'), for code that must differ.
  Object.defineProperty(dbBase, 'dialect', { enumerable: true, get: () => call('db.dialect') });
  const db = new Proxy(dbBase, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      if (Object.prototype.hasOwnProperty.call(target, key)) return target[key];
      if (key === 'then' || key === 'toJSON') return undefined;
      return target.collection(key);
    },
  });

  // ---- express ------------------------------------------------------------------------------
  function compilePath(path, end) {
    if (path instanceof RegExp) return { re: path, keys: [], regexp: true };
    if (Array.isArray(path)) {
      const parts = path.map((p) => compilePath(p, end));
      return { any: parts };
    }
    path = String(path);
    const keys = [];
    let wildcards = 0;
    let src = '';
    let i = 0;
    while (i < path.length) {
      const c = path[i];
      if (c === ':') {
        const m = /^:([A-Za-z_$][\w$]*)(\([^)]*\))?(\?)?/.exec(path.slice(i));
        if (!m) { src += ':'; i++; continue; }
        keys.push(m[1]);
        const group = m[2] ? m[2] : '([^/]+?)';
        if (m[3]) {
          if (src.endsWith('/')) src = src.slice(0, -1) + '(?:/' + group + ')?';
          else src += group + '?';
        } else src += group;
        i += m[0].length;
      } else if (c === '*') {
        const named = /^\*([A-Za-z_$][\w$]*)/.exec(path.slice(i));
        keys.push(named ? named[1] : String(wildcards++));
        src += '(.*)';
        i += named ? named[0].length : 1;
      } else {
        src += /[.+?^${}()|[\]\\]/.test(c) ? '\\' + c : c;
        i++;
      }
    }
    if (src.endsWith('/') && src.length > 1) src = src.slice(0, -1);
    const re = end ? new RegExp('^' + src + '/?$', 'i') : new RegExp('^' + (src === '/' ? '' : src) + '(?=/|$)', 'i');
    return { re, keys };
  }
  function matchPath(compiled, path) {
    if (compiled.any) {
      for (const c of compiled.any) {
        const m = matchPath(c, path);
        if (m) return m;
      }
      return null;
    }
    const m = compiled.re.exec(path);
    if (!m) return null;
    const params = {};
    for (let i = 1; i < m.length; i++) {
      if (m[i] === undefined) continue;
      const key = compiled.regexp ? i - 1 : compiled.keys[i - 1];
      let value = m[i];
      try { value = decodeURIComponent(value); } catch (e) { /* keep it raw */ }
      params[key] = value;
    }
    return { params, matched: m[0] };
  }

  const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
  function isRouter(fn) {
    return typeof fn === 'function' && typeof fn.handle === 'function';
  }
  function flatten(list) {
    const out = [];
    for (const x of list) {
      if (Array.isArray(x)) out.push(...flatten(x));
      else out.push(x);
    }
    return out;
  }
  function checkHandlers(handlers, what) {
    for (const h of handlers) {
      if (typeof h !== 'function') {
        const err = new TypeError(what + ' requires a callback function but got a ' + (h === null ? 'null' : typeof h));
        throw err;
      }
    }
  }
  function createRouter() {
    const stack = [];
    function router(req, res, next) {
      router.handle(req, res, next);
    }
    router.stack = stack;
    router.use = function (path, ...handlers) {
      if (typeof path !== 'string' && !(path instanceof RegExp) && !Array.isArray(path)) {
        handlers.unshift(path);
        path = '/';
      }
      handlers = flatten(handlers);
      checkHandlers(handlers, 'app.use()');
      for (const h of handlers) stack.push({ method: null, path, compiled: compilePath(path, false), handler: h, route: false });
      return this;
    };
    function addRoute(method, path, handlers) {
      handlers = flatten(handlers);
      checkHandlers(handlers, 'app.' + (method || 'all') + '()');
      if (handlers.length === 0) throw new TypeError('app.' + method + '() requires a callback function');
      const compiled = compilePath(path, true);
      // One route, one id: next('route') skips the rest of its handlers.
      const routeId = {};
      for (const h of handlers) stack.push({ method, path, compiled, handler: h, route: true, routeId });
    }
    const paramHandlers = {};
    for (const m of METHODS) {
      router[m] = function (path, ...handlers) {
        if (m === 'get' && handlers.length === 0 && typeof path === 'string' && this.settings) return this.settings[path];
        addRoute(m.toUpperCase(), path, handlers);
        return this;
      };
    }
    router.del = router.delete;
    router.all = function (path, ...handlers) {
      addRoute(null, path, handlers);
      return this;
    };
    router.route = function (path) {
      const self = this;
      const route = {};
      for (const m of METHODS.concat(['all'])) {
        route[m] = function (...handlers) {
          self[m](path, ...handlers);
          return route;
        };
      }
      return route;
    };
    router.param = function (name, fn) {
      if (typeof fn !== 'function') throw new TypeError('router.param(name, fn): fn must be a function, got ' + typeof fn);
      (paramHandlers[name] = paramHandlers[name] || []).push(fn);
      return this;
    };
    // Express runs a param's callbacks once per request and value, before the first route that has it.
    function runParams(req, res, params, done) {
      const seen = req._paramsSeen || (req._paramsSeen = {});
      const calls = [];
      for (const name of Object.keys(params)) {
        if (!paramHandlers[name] || (Object.prototype.hasOwnProperty.call(seen, name) && seen[name] === params[name])) continue;
        seen[name] = params[name];
        for (const fn of paramHandlers[name]) calls.push([name, fn]);
      }
      let i = 0;
      function step(err) {
        if (err) return done(err);
        if (i >= calls.length) return done();
        const [name, fn] = calls[i++];
        invoke((q, r, n) => fn(q, r, n, params[name], name), undefined, req, res, step);
      }
      step();
    }
    router.handle = function (req, res, out, initialError) {
      let index = 0;
      const parentUrl = req.url;
      const parentPath = req.path;
      const parentBase = req.baseUrl;
      const parentParams = req.params;
      let current = null;
      function next(err) {
        let skipRoute = null;
        if (err === 'route') {
          err = undefined;
          skipRoute = current && current.routeId;
        }
        if (err === 'router') {
          restore();
          return out();
        }
        if (res._finished) return;
        while (index < stack.length) {
          const layer = stack[index++];
          if (skipRoute && layer.routeId === skipRoute) continue;
          if (layer.route && layer.method && layer.method !== req.method && !(layer.method === 'GET' && req.method === 'HEAD')) continue;
          const m = matchPath(layer.compiled, parentPath);
          if (!m) continue;
          const isErrorHandler = layer.handler.length === 4;
          if (err ? !isErrorHandler : isErrorHandler) continue;
          current = layer;
          if (layer.route) {
            restore();
            req.params = Object.assign({}, parentParams, m.params);
            res._matched = true;
            if (!err && Object.keys(paramHandlers).length > 0) {
              runParams(req, res, req.params, (e) => (e ? next(e) : invoke(layer.handler, err, req, res, next)));
              return;
            }
          } else {
            req.params = Object.assign({}, parentParams, m.params);
            const removed = m.matched === '/' ? '' : m.matched;
            req.baseUrl = parentBase + removed;
            const rest = parentPath.slice(removed.length) || '/';
            req.path = rest[0] === '/' ? rest : '/' + rest;
            const q = parentUrl.indexOf('?');
            req.url = req.path + (q >= 0 ? parentUrl.slice(q) : '');
          }
          invoke(layer.handler, err, req, res, next);
          return;
        }
        restore();
        out(err);
      }
      function restore() {
        req.url = parentUrl;
        req.path = parentPath;
        req.baseUrl = parentBase;
        req.params = parentParams;
      }
      next(initialError);
    };
    router.routes = function (prefix) {
      const list = [];
      for (const layer of stack) {
        const p = typeof layer.path === 'string' ? layer.path : String(layer.path);
        const full = (prefix + (p === '/' && !layer.route ? '' : p)).replace(/\/\/+/g, '/') || '/';
        if (layer.route) {
          const method = layer.method || 'ALL';
          if (!list.some((r) => r.method === method && r.path === full)) list.push({ method, path: full });
        } else if (isRouter(layer.handler) && typeof layer.handler.routes === 'function') {
          list.push(...layer.handler.routes(full === '/' ? '' : full));
        }
      }
      return list;
    };
    return router;
  }
  function invoke(fn, err, req, res, next) {
    let called = false;
    const once = (e) => {
      if (called) return;
      called = true;
      next(e);
    };
    try {
      const result = err ? fn(err, req, res, once) : fn(req, res, once);
      if (result && typeof result.then === 'function') {
        result.then(undefined, (e) => once(e === undefined || e === null ? new Error('Rejected with ' + e) : e));
      }
    } catch (e) {
      once(e === undefined || e === null ? new Error('Threw ' + e) : e);
    }
  }

  let mainApp = null;
  let lastApp = null;
  function liveMessage() {
    log('info', 'Your app is live at /sandbox/' + WORKSPACE_ID + '/', callerLine());
  }
  function fakeServer(port) {
    const server = {
      close(cb) { if (typeof cb === 'function') Promise.resolve().then(() => cb()); return server; },
      address() { return { address: '::', family: 'IPv6', port: typeof port === 'number' ? port : 3000 }; },
      on() { return server; },
      once() { return server; },
      listening: true,
    };
    return server;
  }
  function listenArgs(args) {
    const cb = args.find((a) => typeof a === 'function');
    const port = args.find((a) => typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a)));
    return { cb, port: port === undefined ? 3000 : Number(port) };
  }
  function express() {
    const app = createRouter();
    app.settings = {};
    app.locals = {};
    app.set = function (k, v) { this.settings[k] = v; return this; };
    app.enable = function (k) { this.settings[k] = true; return this; };
    app.disable = function (k) { this.settings[k] = false; return this; };
    app.enabled = function (k) { return !!this.settings[k]; };
    app.disabled = function (k) { return !this.settings[k]; };
    app.engine = function () { return this; };
    app.listen = function (...args) {
      const { cb, port } = listenArgs(args);
      mainApp = { kind: 'express', app };
      liveMessage();
      if (cb) Promise.resolve().then(() => cb());
      return fakeServer(port);
    };
    lastApp = app;
    return app;
  }
  express.Router = function () { return createRouter(); };
  const passThrough = () => function (req, res, next) { next(); };
  express.json = passThrough;
  express.urlencoded = passThrough;
  express.text = passThrough;
  express.raw = passThrough;
  express.static = passThrough;
  // The host drops CORS headers (sandbox/headers.ts): /sandbox shares the lab's origin, and a page
  // of another site must not read it with a visitor's cookies. The preflight still answers, so
  // classic code runs unchanged; the console says why the headers are missing.
  let corsExplained = false;
  function cors(options) {
    if (!corsExplained) {
      corsExplained = true;
      log('info', 'cors(): the lab does not send CORS headers for your app; call it from the lab, a script or curl.', callerLine());
    }
    const origin = options && typeof options.origin === 'string' ? options.origin : '*';
    return function (req, res, next) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE');
        if (req.headers['access-control-request-headers']) res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers']);
        res.statusCode = 204;
        return res.end();
      }
      next();
    };
  }

  const http = {
    createServer(options, handler) {
      if (typeof options === 'function') handler = options;
      const server = fakeServer(3000);
      server.listen = function (...args) {
        const { cb } = listenArgs(args);
        // http.createServer(app): the Express app itself, with its 404 and error handling.
        mainApp = isRouter(handler) && handler.settings ? { kind: 'express', app: handler } : { kind: 'http', handler };
        liveMessage();
        if (cb) Promise.resolve().then(() => cb());
        return server;
      };
      server.on = function (event, fn) {
        if (event === 'request') handler = fn;
        return server;
      };
      return server;
    },
    STATUS_CODES: STATUS_TEXT,
    METHODS: METHODS.map((m) => m.toUpperCase()),
  };

  // ---- require, module, process ---------------------------------------------------------------
  const bodyParser = { json: passThrough, urlencoded: passThrough, text: passThrough, raw: passThrough };
  const modules = { express, http, jsonwebtoken: jwt, bcrypt, bcryptjs: bcrypt, cors, 'body-parser': bodyParser };
  function require(name) {
    const text = String(name);
    const key = text === 'node:http' ? 'http' : text;
    if (Object.prototype.hasOwnProperty.call(modules, key)) return modules[key];
    throw new Error('Module "' + name + '" is not available in the Backend Lab sandbox. Available: express, http, jsonwebtoken, bcrypt.');
  }
  const module = { exports: {} };
  const loadedAt = Date.now();
  const processStub = Object.freeze({
    env: Object.freeze({}),
    argv: Object.freeze([]),
    platform: 'sandbox',
    nextTick(fn, ...args) { Promise.resolve().then(() => fn(...args)); },
    exit() { throw new Error('process.exit() is not available in the Backend Lab sandbox'); },
    on() { return processStub; },
    cwd() { return '/'; },
    // Health routes in tutorials report these: uptime is real (since the code loaded), memory is not kept per app.
    uptime() { return (Date.now() - loadedAt) / 1000; },
    hrtime: Object.assign((previous) => {
      const ns = BigInt(Date.now()) * 1000000n;
      const now = [Number(ns / 1000000000n), Number(ns % 1000000000n)];
      if (!Array.isArray(previous)) return now;
      let seconds = now[0] - previous[0];
      let nanos = now[1] - previous[1];
      if (nanos < 0) { seconds -= 1; nanos += 1e9; }
      return [seconds, nanos];
    }, { bigint: () => BigInt(Date.now()) * 1000000n }),
    memoryUsage() { throw new Error('process.memoryUsage() is not available in the Backend Lab sandbox: workspaces share their thread, so there is no memory figure of your app alone'); },
  });

  // ---- one request ----------------------------------------------------------------------------
  function parseQuery(qs) {
    const out = {};
    if (!qs) return out;
    for (const part of qs.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      let key = eq >= 0 ? part.slice(0, eq) : part;
      let value = eq >= 0 ? part.slice(eq + 1) : '';
      try { key = decodeURIComponent(key.replace(/\+/g, ' ')); } catch (e) { /* raw */ }
      try { value = decodeURIComponent(value.replace(/\+/g, ' ')); } catch (e) { /* raw */ }
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      const bracket = /^([^[\]]+)\[([^[\]]*)\]$/.exec(key);
      if (bracket) {
        const [, base, sub] = bracket;
        if (base === '__proto__' || sub === '__proto__' || sub === 'constructor') continue;
        if (sub === '') {
          if (!Array.isArray(out[base])) out[base] = out[base] === undefined ? [] : [out[base]];
          out[base].push(value);
        } else {
          if (typeof out[base] !== 'object' || out[base] === null || Array.isArray(out[base])) out[base] = {};
          out[base][sub] = value;
        }
      } else if (Object.prototype.hasOwnProperty.call(out, key)) {
        out[key] = Array.isArray(out[key]) ? out[key].concat(value) : [out[key], value];
      } else out[key] = value;
    }
    return out;
  }
  function parseCookies(header) {
    const out = {};
    if (!header) return out;
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const k = part.slice(0, eq).trim();
      let v = part.slice(eq + 1).trim();
      if (v[0] === '"') v = v.slice(1, -1);
      try { v = decodeURIComponent(v); } catch (e) { /* raw */ }
      if (k && !(k in out) && k !== '__proto__') out[k] = v;
    }
    return out;
  }
  function problem(status, type, title, detail, extra) {
    return Object.assign({ type: '/problems/' + type, title, status, detail }, extra || {});
  }

  // req and res methods live on two prototypes, as in Express (app.request / app.response): an
  // object literal with forty closures per request was most of a small route's time in QuickJS.
  const requestProto = {
    get(name) {
      const key = String(name).toLowerCase();
      const headers = this.headers;
      if (key === 'referer' || key === 'referrer') return headers.referer || headers.referrer;
      return headers[key];
    },
    is(type) {
      const contentType = this._contentType;
      if (!contentType) return false;
      const t = String(type).toLowerCase();
      if (t === 'json') return contentType.indexOf('json') >= 0 ? 'json' : false;
      if (t === 'urlencoded') return contentType.indexOf('urlencoded') >= 0 ? 'urlencoded' : false;
      return contentType.indexOf(t.replace('*', '')) >= 0 ? t : false;
    },
    accepts() { return arguments[0] === undefined ? ['*/*'] : arguments[0]; },
    on(event, fn) {
      const listeners = this._listeners || (this._listeners = { data: [], end: [] });
      if (listeners[event]) listeners[event].push(fn);
      return this;
    },
    setEncoding() { return this; },
    // Node's http stream events for http.createServer code: emitted after the handler returns.
    _emitBody() {
      const req = this;
      Promise.resolve().then(() => {
        const listeners = req._listeners;
        if (!listeners) return;
        if (req._rawBody) for (const fn of listeners.data) fn(req._rawBody);
        for (const fn of listeners.end) fn();
      });
    },
  };
  requestProto.header = requestProto.get;

  const responseProto = {
    get headersSent() { return this._finished; },
    get finished() { return this._finished; },
    get writableEnded() { return this._finished; },
    status(code) { this.statusCode = code; return this; },
    set(field, value) {
      if (field && typeof field === 'object') {
        for (const k of Object.keys(field)) this.setHeader(k, field[k]);
      } else {
        if (String(field).toLowerCase() === 'content-type' && typeof value === 'string' && value.indexOf('/') < 0) value = mimeFor(value);
        this.setHeader(field, value);
      }
      return this;
    },
    header(field, value) { return this.set(field, value); },
    setHeader(name, value) {
      this._headers[String(name).toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
      return this;
    },
    getHeader(name) { return this._headers[String(name).toLowerCase()]; },
    get(name) { return this._headers[String(name).toLowerCase()]; },
    getHeaders() { return Object.assign({}, this._headers); },
    hasHeader(name) { return String(name).toLowerCase() in this._headers; },
    removeHeader(name) { delete this._headers[String(name).toLowerCase()]; },
    append(field, value) {
      const key = String(field).toLowerCase();
      const prev = this._headers[key];
      const add = Array.isArray(value) ? value.map(String) : [String(value)];
      this._headers[key] = prev === undefined ? (add.length === 1 ? add[0] : add) : [].concat(prev, add);
      return this;
    },
    type(t) { return this.set('Content-Type', t); },
    contentType(t) { return this.type(t); },
    location(url) { return this.set('Location', url); },
    links() { return this; },
    vary() { return this; },
    cookie(name, value, options) {
      const o = options || {};
      let v = typeof value === 'object' ? 'j:' + JSON.stringify(value) : String(value);
      let s = name + '=' + encodeURIComponent(v);
      if (o.maxAge !== undefined) {
        s += '; Max-Age=' + Math.floor(o.maxAge / 1000);
        s += '; Expires=' + new Date(Date.now() + o.maxAge).toUTCString();
      } else if (o.expires) s += '; Expires=' + new Date(o.expires).toUTCString();
      // "/" is the app's root: the host moves every cookie under /sandbox/<id> (sandbox/headers.ts).
      s += '; Path=' + (o.path || '/');
      if (o.domain) s += '; Domain=' + o.domain;
      if (o.httpOnly) s += '; HttpOnly';
      if (o.secure) s += '; Secure';
      if (o.sameSite) s += '; SameSite=' + (o.sameSite === true ? 'Strict' : String(o.sameSite).replace(/^./, (c) => c.toUpperCase()));
      return this.append('Set-Cookie', s);
    },
    clearCookie(name, options) {
      return this.cookie(name, '', Object.assign({}, options, { expires: new Date(1), maxAge: undefined }));
    },
    writeHead(status, message, hdrs) {
      this.statusCode = status;
      if (typeof message === 'object' && message) hdrs = message;
      if (hdrs) for (const k of Object.keys(hdrs)) this.setHeader(k, hdrs[k]);
      return this;
    },
    write(chunk) {
      if (this._finished) return false;
      if (chunk === undefined || chunk === null) return true;
      const text = typeof chunk === 'string' ? chunk : String(chunk);
      if (this._size + text.length > LIMITS.bodyChars) throw new RangeError('The response body is larger than ' + LIMITS.bodyChars + ' characters (the sandbox limit)');
      this._size += text.length;
      this._chunks.push(text);
      return true;
    },
    end(chunk) {
      if (this._finished) return this;
      if (typeof chunk === 'function') chunk = undefined;
      if (chunk !== undefined && chunk !== null) this.write(chunk);
      this._finished = true;
      const chunks = this._chunks;
      const body = chunks.length === 1 ? chunks[0] : chunks.join('');
      this._chunks = [];
      const status = this.statusCode;
      // Plain values only reach the host: a status that is not a number goes as its JSON, for the message.
      hostRespond(this._id, typeof status === 'number' ? status : JSON.stringify(status === undefined ? null : status), JSON.stringify(this._headers), typeof body === 'string' ? body : String(body));
      return this;
    },
    send(body) {
      if (typeof body === 'number' && arguments.length === 1) {
        this.statusCode = body;
        body = STATUS_TEXT[body] || String(body);
      }
      if (body === null || body === undefined) return this.end();
      if (typeof body === 'object') return this.json(body);
      if (typeof body === 'boolean') return this.json(body);
      if (!this.getHeader('content-type')) this.setHeader('Content-Type', 'text/html; charset=utf-8');
      if (this.statusCode === 204 || this.statusCode === 304) return this.end();
      return this.end(String(body));
    },
    json(value) {
      if (arguments.length === 2 && typeof arguments[1] === 'number') { this.statusCode = arguments[1]; }
      const text = JSON.stringify(value);
      if (!this.getHeader('content-type')) this.setHeader('Content-Type', 'application/json; charset=utf-8');
      return this.end(text === undefined ? '' : text);
    },
    jsonp(value) { return this.json(value); },
    sendStatus(code) {
      this.statusCode = code;
      this.setHeader('Content-Type', 'text/plain; charset=utf-8');
      return this.end(STATUS_TEXT[code] || String(code));
    },
    // A root-relative Location ("/login") gets the /sandbox/<id> prefix from the host (sandbox/headers.ts).
    redirect(a, b) {
      const status = typeof a === 'number' ? a : 302;
      let url = typeof a === 'number' ? b : a;
      // Express 4's 'back': where the request came from, else the root.
      if (url === 'back') url = (this.req && (this.req.headers.referer || this.req.headers.referrer)) || '/';
      this.statusCode = status;
      this.setHeader('Location', String(url));
      this.setHeader('Content-Type', 'text/plain; charset=utf-8');
      return this.end((STATUS_TEXT[status] || 'Redirect') + '. Redirecting to ' + url);
    },
    render() { throw new Error('res.render() is not available in the Backend Lab sandbox (no view engines): send JSON or HTML text.'); },
    sendFile() { throw new Error('res.sendFile() is not available in the Backend Lab sandbox (no file system).'); },
    download() { throw new Error('res.download() is not available in the Backend Lab sandbox (no file system).'); },
    format(obj) {
      const fn = obj.json || obj['application/json'] || obj.default || obj.html || obj.text;
      if (fn) fn();
      return this;
    },
    on() { return this; },
    once() { return this; },
  };

  function parseBody(r, contentType) {
    if (!r.body) return { body: {}, bodyError: null };
    if (/\bjson\b/.test(contentType)) {
      try { return { body: JSON.parse(r.body), bodyError: null }; } catch (e) {
        const bodyError = new SyntaxError('The request body is not valid JSON: ' + e.message);
        bodyError.status = 400;
        bodyError.type = 'entity.parse.failed';
        return { body: {}, bodyError };
      }
    }
    if (contentType.indexOf('application/x-www-form-urlencoded') >= 0) return { body: parseQuery(r.body), bodyError: null };
    return { body: r.body, bodyError: null };
  }

  function createExchange(id, r) {
    const headers = r.headers;
    const contentType = String(headers['content-type'] || '').toLowerCase();
    const { body, bodyError } = parseBody(r, contentType);
    const url = r.query ? r.path + '?' + r.query : r.path;
    const req = Object.create(requestProto);
    req.method = r.method;
    req.url = url;
    req.originalUrl = url;
    req.path = r.path;
    req.baseUrl = '';
    req.params = {};
    req.query = parseQuery(r.query);
    req.headers = headers;
    req.body = body;
    req.cookies = parseCookies(headers.cookie);
    req.signedCookies = {};
    req.ip = String(headers['x-forwarded-for'] || '127.0.0.1').split(',')[0].trim();
    req.hostname = String(headers.host || 'localhost').split(':')[0];
    req.protocol = 'http';
    req.secure = false;
    req.xhr = String(headers['x-requested-with'] || '').toLowerCase() === 'xmlhttprequest';
    req.app = null;
    req._contentType = contentType;
    req._rawBody = r.body;

    const res = Object.create(responseProto);
    res.statusCode = 200;
    res.statusMessage = '';
    res.locals = {};
    res._finished = false;
    res._matched = false;
    res._id = id;
    res._headers = {};
    res._chunks = [];
    res._size = 0;
    req.res = res;
    res.req = req;
    return { req, res, bodyError };
  }
  function mimeFor(t) {
    const map = { json: 'application/json; charset=utf-8', html: 'text/html; charset=utf-8', text: 'text/plain; charset=utf-8', txt: 'text/plain; charset=utf-8', xml: 'application/xml', js: 'text/javascript' };
    return map[t.replace(/^\./, '')] || 'application/octet-stream';
  }

  function sendProblem(res, body) {
    res.statusCode = body.status;
    for (const k of Object.keys(res.getHeaders())) res.removeHeader(k);
    res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
    res.end(JSON.stringify(body));
  }
  function finalHandler(req, res, err) {
    if (res._finished) {
      if (err) reportError(err, 'Error after the response was sent');
      return;
    }
    if (err) {
      if (err && err.name === 'InternalError' && err.message === 'interrupted') return; // the host answers 504
      if (isOutOfMemory(err)) {
        call('oom', null);
        return;
      }
      const status = Number(err.status || err.statusCode);
      if (status >= 400 && status < 500) {
        sendProblem(res, problem(status, 'sandbox-client-error', STATUS_TEXT[status] || 'Client error', String(err.message || err)));
        return;
      }
      const line = lineOf(err);
      const isError = err instanceof Error || (err && err.message);
      const name = isError ? String(err.name || 'Error') : 'Thrown value';
      const text = isError ? String(err.message) : inspect(err, 1, []);
      const message = name + ': ' + text;
      log('error', req.method + ' ' + req.originalUrl + ' failed: ' + (err && err.stack ? message + '\n' + learnerStack(err.stack) : message), line);
      // The request's trace gets an error step: the name, message and line, not the stack.
      call('thrown', { name, message: text, line });
      const where = line ? ' (line ' + line + ' of your code)' : '';
      sendProblem(res, problem(500, 'sandbox-error', 'Your code threw an error', message + where, line ? { line } : {}));
      return;
    }
    const path = req.originalUrl.split('?')[0];
    sendProblem(res, problem(404, 'sandbox-no-route', 'No route matches', 'Your app has no route for ' + req.method + ' ' + path + '.'));
  }

  function dispatch(id, json) {
    const r = JSON.parse(json);
    const { req, res, bodyError } = createExchange(id, r);
    const target = mainApp || (lastApp ? { kind: 'express', app: lastApp } : null) || (typeof module.exports === 'function' ? { kind: 'express', app: module.exports } : null);
    if (!target) {
      sendProblem(res, problem(500, 'sandbox-no-app', 'No app to serve the request', 'Your code did not create an app: call express() and app.listen(3000), or http.createServer(handler).listen(3000).'));
      return;
    }
    const done = (err) => finalHandler(req, res, err);
    try {
      if (target.kind === 'http') {
        target.handler(req, res);
        req._emitBody();
      } else {
        req.app = target.app;
        // A broken JSON body goes to the error middleware, as express.json() does it.
        if (typeof target.app.handle === 'function') target.app.handle(req, res, done, bodyError || undefined);
        else if (bodyError) done(bodyError);
        else target.app(req, res, done);
      }
    } catch (err) {
      done(err);
    }
  }

  function event(kind, id, json) {
    if (kind === 'timer') return fireTimer(id);
    if (kind === 'done') {
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      const out = JSON.parse(json);
      if (out.e) p.reject(errorFrom(out.e));
      else p.resolve(out.v);
    }
  }

  function routes() {
    const target = mainApp || (lastApp ? { kind: 'express', app: lastApp } : null);
    if (!target) return JSON.stringify([]);
    if (target.kind === 'http') return JSON.stringify([{ method: 'ALL', path: '/*' }]);
    return JSON.stringify(typeof target.app.routes === 'function' ? target.app.routes('') : []);
  }

  const g = globalThis;
  const define = (name, value) => Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
  define('console', consoleObject);
  define('require', require);
  define('module', module);
  define('exports', module.exports);
  define('process', processStub);
  define('jwt', jwt);
  define('bcrypt', bcrypt);
  define('db', db);
  define('setTimeout', (fn, ms, ...args) => addTimer(fn, ms, args, false));
  define('setInterval', (fn, ms, ...args) => addTimer(fn, ms, args, true));
  define('setImmediate', (fn, ...args) => addTimer(fn, 0, args, false));
  define('clearTimeout', clearTimer);
  define('clearInterval', clearTimer);
  define('clearImmediate', clearTimer);
  define('queueMicrotask', (fn) => { Promise.resolve().then(fn); });
  // No network from the sandbox; a bare "fetch is not defined" would read like a typo.
  for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket']) {
    define(name, function () {
      throw new Error(name + ' is not available in the Backend Lab sandbox: your code has no network access. Keep data in db, and call other services from the lab client or a script.');
    });
  }
  return { dispatch, event, routes };
});
