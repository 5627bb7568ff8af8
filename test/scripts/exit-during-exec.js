// process.exit() from one greenlet while another waits in a patched execSync:
// the child must not outlive the process. argv[2]: where the child writes its pid.
'use strict';
const childProcess = require('node:child_process');
const fs = require('node:fs');
const { patchAll, sleep, spawn } = require('../..');

patchAll();
const pidFile = process.argv[2];
spawn(() => childProcess.execSync(`echo $$ > ${pidFile}; exec sleep 30`));
spawn(() => {
  while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8').trim() === '') sleep(5);
  process.exit(0);
});
sleep(60_000);
