// Writes the UI's two generated modules before a build, a check or the dev
// server (package.json: prebuild, precheck, predev):
//   src/lib/limits.ts     the server's limits (tools/limits_ts.py reads src/base/limits.h)
//   src/lib/api-types.ts  the request and reply types of docs/openapi.json (openapi-typescript)
// Neither is committed: they follow their sources on every run and cannot
// drift. A file is rewritten only when its text changes, so `make` does not
// rebuild the UI after a check.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(web, '..');

function writeIfChanged(path, text) {
  let old = null;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    /* a new file */
  }
  if (old !== text) writeFileSync(path, text);
}

execFileSync(process.env.PYTHON || 'python3', [
  resolve(root, 'tools/limits_ts.py'),
  resolve(root, 'src/base/limits.h'),
  resolve(web, 'src/lib/limits.ts'),
], { stdio: 'inherit' });

const ast = await openapiTS(pathToFileURL(resolve(root, 'docs/openapi.json')));
writeIfChanged(
  resolve(web, 'src/lib/api-types.ts'),
  '// Generated from docs/openapi.json by openapi-typescript (web/scripts/generate.mjs): do not edit.\n' +
    astToString(ast),
);
