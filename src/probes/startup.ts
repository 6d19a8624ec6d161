// Which shell start-up file sets DOCKER_HOST: a stale value comes back in every new shell until
// the line that sets it goes (docs: engine troubleshoot, "edit your environment in files such as
// ~/.bashrc or ~/.profile"). Read only; dockhook shows the file and line, and never edits it.
import type { StartupLine } from '../core/types.js';
import type { System } from '../io/system.js';

/** Lines that set NAME: sh `export NAME=` / `NAME=`, fish `set … NAME`, pam_env `NAME=` / `NAME DEFAULT=`, fish universal variables. */
export function settingLines(text: string, name: string): Array<{ line: number; text: string }> {
  const sets = new RegExp(
    `^\\s*(?:export\\s+${name}=|${name}=|set\\s+(?:-[-\\w]+\\s+)*${name}\\b|setenv\\s+${name}\\b|${name}\\s+DEFAULT=|SETUVAR\\s+(?:--export\\s+)?${name}:)`,
  );
  const found: Array<{ line: number; text: string }> = [];
  text.split('\n').forEach((raw, index) => {
    if (sets.test(raw)) found.push({ line: index + 1, text: raw.trim().slice(0, 200) });
  });
  return found;
}

export async function probeStartupFiles(sys: System, name = 'DOCKER_HOST'): Promise<StartupLine[]> {
  const home = sys.user.home;
  const fishDir = `${sys.env.XDG_CONFIG_HOME && sys.env.XDG_CONFIG_HOME.startsWith('/') ? sys.env.XDG_CONFIG_HOME : `${home}/.config`}/fish`;
  const confD = (await sys.listDir(`${fishDir}/conf.d`)) ?? [];
  const files = [
    `${home}/.bashrc`,
    `${home}/.bash_profile`,
    `${home}/.bash_login`,
    `${home}/.profile`,
    `${home}/.zshenv`,
    `${home}/.zprofile`,
    `${home}/.zshrc`,
    `${home}/.zlogin`,
    `${fishDir}/config.fish`,
    ...confD
      .filter((f) => f.endsWith('.fish'))
      .sort()
      .map((f) => `${fishDir}/conf.d/${f}`),
    `${fishDir}/fish_variables`,
    '/etc/environment',
    '/etc/profile',
  ];
  const texts = await Promise.all(files.map((path) => sys.readFile(path)));
  const found: StartupLine[] = [];
  files.forEach((path, i) => {
    for (const hit of settingLines(texts[i] ?? '', name))
      found.push({ path: path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path, line: hit.line, text: hit.text });
  });
  return found;
}
