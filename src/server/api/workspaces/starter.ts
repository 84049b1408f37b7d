/** The code a new workspace starts with: small, and it runs as it is. */
export const STARTER_SOURCE = `const express = require("express");
const app = express();

app.get("/", (req, res) => {
  res.json({ message: "Hello from your own backend!" });
});

app.get("/hello/:name", (req, res) => {
  console.log("saying hello to", req.params.name);
  res.json({ hello: req.params.name });
});

app.listen(3000);
`;
