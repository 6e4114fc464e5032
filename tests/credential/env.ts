/**
 * @azure/identity reads `process.env` itself, so tests of real identity credentials set it; this
 * clears every variable that could change which credential works, and restores them afterwards.
 */
const IDENTITY_VARIABLES = /^(AZURE_|IDENTITY_|MSI_|IMDS_|ACR_TOKENS_|ARM_|ACTIONS_ID_TOKEN_)/;

/** Replaces the identity-related part of process.env with `vars`; returns the function that restores it. */
export function setIdentityEnv(vars: Record<string, string>): () => void {
  const saved = Object.entries(process.env).filter(([name]) => IDENTITY_VARIABLES.test(name));
  for (const [name] of saved) delete process.env[name];
  Object.assign(process.env, vars);
  return () => {
    for (const name of Object.keys(process.env)) if (IDENTITY_VARIABLES.test(name)) delete process.env[name];
    for (const [name, value] of saved) process.env[name] = value;
  };
}
