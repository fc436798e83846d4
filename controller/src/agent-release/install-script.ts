import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** deploy/ at the repository root, from controller/src or controller/dist alike. */
export const DEPLOY_DIR = join(__dirname, '..', '..', '..', 'deploy');

/**
 * deploy/install.sh with this controller's URL, its release public key and the agent's systemd
 * unit filled in, so the script a host downloads needs nothing else from the repository and pins
 * the key it was served with.
 */
export function renderInstallScript(baseUrl: string, publicKeyPem: string): string {
  const template = readFileSync(join(DEPLOY_DIR, 'install.sh'), 'utf8');
  const unit = readFileSync(join(DEPLOY_DIR, 'systemd', 'netwatcher-agent.service'), 'utf8');
  // Function replacers: a `$` in the unit or the key must not be read as a replacement pattern.
  return template
    .replace("NW_CONTROLLER_DEFAULT=''", () => `NW_CONTROLLER_DEFAULT='${baseUrl}'`)
    .replace('@@SIGNING_PUBLIC_KEY@@\n', () => publicKeyPem.trimEnd() + '\n')
    .replace('@@AGENT_UNIT@@\n', () => unit.trimEnd() + '\n');
}
