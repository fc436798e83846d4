import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerUser } from './support/factories';
import { Http } from './support/http';
import { requireBuild, startControllerProcess, type ControllerProcess } from './support/processes';

const FORGED = '{"level":30,"msg":"forged admin login","user_id":1}';

/**
 * Input that reaches a log line (decoded query strings, names, e-mails) can never start a line of
 * its own: every line the controller writes stays one JSON object, whatever the input held.
 */
describe('log lines cannot be forged by input', () => {
  let controller: ControllerProcess;
  let dir: string;

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'nw-logs-'));
    controller = await startControllerProcess({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    await controller?.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps newlines, carriage returns and forged JSON inside the fields they came in', async () => {
    const http = new Http(controller.url);
    const user = await registerUser(http, 'logger');
    const evil = `x\n${FORGED}\r\n${FORGED}`;
    await user.http.get(`/workspaces?q=${encodeURIComponent(evil)}`);
    await user.http.post('/workspaces', { name: evil.slice(0, 100) });
    await http.post('/auth/login', { email: user.email, password: evil });
    await http.post('/auth/login', { email: `${evil}@example.test`, password: 'x' });
    await controller.stop('SIGTERM');

    const lines = controller.output().split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(10);
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as { msg?: string };
      } catch {
        return { notJson: line };
      }
    });
    expect(parsed.filter((p) => 'notJson' in p)).toEqual([]);
    expect(parsed.filter((p) => 'msg' in p && p.msg === 'forged admin login')).toEqual([]);
    // The input did reach the log, escaped inside a field.
    expect(controller.output()).toContain(JSON.stringify(evil).slice(1, -1));
  });
});
