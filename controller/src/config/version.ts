/**
 * The controller's version, in one place: answered to agents in `version`. A constant rather
 * than a read of package.json at run time (the same choice as the agent's AGENT_VERSION); a
 * unit test keeps it equal to package.json.
 */
export const CONTROLLER_VERSION = '0.1.0';
