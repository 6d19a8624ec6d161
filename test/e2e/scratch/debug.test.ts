import { it } from 'vitest';
import { createWorld, DOCKHOOK } from '../world.js';
import { withShell } from '../pty.js';
it('debug', async () => {
  const w = await createWorld({ name: 'dbg', rootful: 'absent', systemd: true });
  try {
    await w.makeDeadSocket();
    await withShell(w, { shell: 'bash', rc: [`eval "$(${DOCKHOOK} init bash)"`] }, async (sh) => {
      sh.type('docker ps </dev/null'); sh.press('enter');
      await sh.waitFor(/\[Y\/n\] /);
      sh.type('y');
      await sh.waitFor(/CONTAINER ID/, 30000);
      await sh.waitForPrompt();
      console.log(await sh.run('echo st=$?; ls -la ~/.cache/dockhook; echo XDG=$XDG_RUNTIME_DIR'));
      console.log(sh.text);
    });
  } finally { await w.dispose(); }
}, 120000);
