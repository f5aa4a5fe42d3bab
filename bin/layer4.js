#!/usr/bin/env node
import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2))).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('layer4: not built yet — run `npm install` (or `npm run build`) first\n');
    process.exit(1);
  }
  throw err;
});
