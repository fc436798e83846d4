import { Command } from 'commander';
import { registerProbeCommand } from './probe.command';
import { registerRunCommand } from './run.command';

function helpOf(register: (p: Command, set: (c: number) => void) => Command): string {
  const cmd = register(new Command(), () => undefined);
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

describe('command help', () => {
  it('run --help explains every option, env var, default path and exit code', () => {
    const help = helpOf(registerRunCommand);
    for (const opt of ['--controller', '--workspace', '--agent', '--pin', '--config', '--data-dir', '--log-level', '--spool-max']) {
      expect(help).toContain(opt);
    }
    for (const env of ['NW_CONTROLLER_URL', 'NW_WORKSPACE_ID', 'NW_AGENT_ID', 'NW_PIN', 'NW_CONFIG', 'NW_DATA_DIR', 'NW_LOG_LEVEL', 'NW_SPOOL_MAX']) {
      expect(help).toContain(env);
    }
    expect(help).toContain('/etc/netwatcher-agent/agent.json');
    expect(help).toContain('~/.config/netwatcher/agent.json');
    expect(help).toContain('flag > environment variable > config file');
    for (const code of ['0  clean stop', '2  usage', '3  agent deleted', '4  authentication failed', '5  PIN locked']) expect(help).toContain(code);
  });

  it('probe --help explains the types, options and exit codes', () => {
    const help = helpOf(registerProbeCommand);
    for (const s of ['ping | mtr | speedtest | sysinfo | netinfo', '--server', '--count', '--timeout', '--config', 'NW_CONFIG', '2  usage']) expect(help).toContain(s);
  });
});
