/**
 * Reported to the controller in `version` and in SYSINFO. A constant rather than a read of
 * package.json at run time, so the single-executable build needs no file next to it; a unit
 * test keeps it equal to package.json.
 */
export const AGENT_VERSION = '0.1.0';
