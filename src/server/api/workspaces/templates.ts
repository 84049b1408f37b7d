import { STARTER_SOURCE } from './starter.ts';

export interface Template {
  id: string;
  name: string;
  description: string;
  source: string;
}

const REST_WITH_SQL = `const express = require("express");
const app = express();
app.use(express.json());

// Runs once per deploy; IF NOT EXISTS keeps the data of earlier deploys. An id the database
// numbers itself is spelled differently in SQLite and PostgreSQL: db.dialect says which one this is.
const id = db.dialect === "postgres" ? "id SERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY";
const ready = db.query(\`CREATE TABLE IF NOT EXISTS notes (\${id}, text VARCHAR(200) NOT NULL)\`);
app.use(async (req, res, next) => {
  await ready; // no request runs before the table exists
  next();
});

app.get("/notes", async (req, res) => {
  const notes = await db.query("SELECT id, text FROM notes ORDER BY id");
  res.json(notes);
});

app.get("/notes/:id", async (req, res) => {
  const [note] = await db.query("SELECT id, text FROM notes WHERE id = ?", [Number(req.params.id)]);
  if (!note) return res.status(404).json({ error: "no such note" });
  res.json(note);
});

app.post("/notes", async (req, res) => {
  const text = req.body && req.body.text;
  if (typeof text !== "string" || text.trim() === "") {
    return res.status(400).json({ error: "text is required" });
  }
  // RETURNING hands back the new row in the same statement (SQLite 3.35+ and PostgreSQL).
  const [note] = await db.query("INSERT INTO notes (text) VALUES (?) RETURNING id, text", [text]);
  res.status(201).location(\`notes/\${note.id}\`).json(note);
});

app.delete("/notes/:id", async (req, res) => {
  await db.query("DELETE FROM notes WHERE id = ?", [Number(req.params.id)]);
  res.sendStatus(204);
});

app.listen(3000);
`;

const REGISTER_LOGIN = `const express = require("express");
const bcrypt = require("bcrypt");
const jwt = require("jsonwebtoken");
const app = express();
app.use(express.json());

// In a real app the secret comes from the environment, never from the code.
const SECRET = "change-me-to-a-long-random-secret";

// db.users is a collection of documents, not an SQL table: the SQL console sees them with
//   SELECT doc FROM _lab_documents WHERE collection = 'users'

app.post("/register", async (req, res) => {
  const { email, password } = req.body || {};
  if (!email || !password || password.length < 12) {
    return res.status(400).json({ error: "email and a password of 12+ characters are required" });
  }
  if (await db.users.findOne({ email })) return res.status(409).json({ error: "email taken" });
  const passwordHash = await bcrypt.hash(password, 10);
  const user = await db.users.insertOne({ email, passwordHash });
  res.status(201).json({ id: user.insertedId, email });
});

app.post("/login", async (req, res) => {
  const { email, password } = req.body || {};
  const user = await db.users.findOne({ email });
  // The same answer for an unknown email and a wrong password.
  if (!user || !(await bcrypt.compare(password || "", user.passwordHash))) {
    return res.status(401).json({ error: "wrong email or password" });
  }
  const token = jwt.sign({ sub: String(user._id), email }, SECRET, { expiresIn: "1h" });
  res.json({ token });
});

app.listen(3000);
`;

const AUTH_MIDDLEWARE = `const express = require("express");
const jwt = require("jsonwebtoken");
const app = express();
app.use(express.json());

const SECRET = "change-me-to-a-long-random-secret";

// Middleware: runs before the handler, and either calls next() or answers itself.
function requireAuth(req, res, next) {
  const header = req.get("authorization") || "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : null;
  if (!token) return res.status(401).json({ error: "log in first: send Authorization: Bearer <token>" });
  try {
    req.user = jwt.verify(token, SECRET);
    next();
  } catch (err) {
    res.status(401).json({ error: err.message });
  }
}

// Only for trying it out: hands out a token for any name.
app.post("/token", (req, res) => {
  const name = (req.body && req.body.name) || "learner";
  res.json({ token: jwt.sign({ sub: name }, SECRET, { expiresIn: "15m" }) });
});

app.get("/public", (req, res) => res.json({ message: "anyone can see this" }));

app.get("/private", requireAuth, (req, res) => {
  res.json({ message: "only for logged-in users", you: req.user.sub });
});

app.listen(3000);
`;

export const TEMPLATES: Template[] = [
  { id: 'hello', name: 'Hello world', description: 'Two routes with express: JSON and a route parameter', source: STARTER_SOURCE },
  { id: 'rest-sql', name: 'REST resource with SQL', description: 'CRUD for notes in the workspace database with db.query', source: REST_WITH_SQL },
  { id: 'register-login', name: 'Register and log in', description: 'bcrypt password hashes, JWTs, users in a db collection (documents, not an SQL table)', source: REGISTER_LOGIN },
  { id: 'auth-middleware', name: 'Auth middleware', description: 'A requireAuth middleware that checks a Bearer JWT', source: AUTH_MIDDLEWARE },
];
