/** `npm run build` (also run after `npm install`): builds the lab web app into dist/web and prints its sizes. */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { WEB_DIST } from '../src/server/web-build.ts';

await build({ configFile: path.resolve(import.meta.dirname, '../vite.config.ts') });
fs.writeFileSync(path.join(WEB_DIST, '.built'), new Date().toISOString());
