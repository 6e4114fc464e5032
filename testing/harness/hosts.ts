import { ProviderHost, type Props } from "../providerHost";

/** The config namespaces the package's providers read: their own, and azure-native's credential settings. */
const PROVIDER_NAMESPACES = ["acr-tokens:", "azure-native:"];

/**
 * The dynamic-provider hosts of a session: one real `@pulumi/pulumi/cmd/dynamic-provider` process per
 * distinct `acr-tokens:*` / `azure-native:*` config, started on first use and configured with it (the host
 * configures each provider once per process, so another config needs another host).
 *
 * The engine sends the whole stack config to Configure; the pool sends, and keys hosts by, the
 * `acr-tokens:` and `azure-native:` namespaces only, the ones the package's providers read. Otherwise every change of a
 * program's own config (a repository name) would cost a new host process (seconds on 2 cores).
 */
export class HostPool {
  private readonly hosts = new Map<string, Promise<ProviderHost>>();

  /**
   * @param env - Environment of every host (on top of PATH/HOME): the emulator's endpoint, CA, clock file.
   * @param project - The Pulumi project name the host is told (`PULUMI_NODEJS_PROJECT`).
   */
  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly project: string,
  ) {}

  /** The host for this namespaced stack config (secure values as secret sentinels); see the class comment. */
  get(stackConfig: Props): Promise<ProviderHost> {
    const config = Object.fromEntries(Object.entries(stackConfig).filter(([k]) => PROVIDER_NAMESPACES.some((ns) => k.startsWith(ns))));
    const key = JSON.stringify(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
    let host = this.hosts.get(key);
    if (!host) {
      host = ProviderHost.start({ env: this.env, project: this.project }).then(async (h) => {
        await h.configure(config);
        return h;
      });
      host.catch(() => this.hosts.delete(key));
      this.hosts.set(key, host);
    }
    return host;
  }

  /** Everything the hosts printed on stderr (provider stack traces): for secret scans. */
  async stderr(): Promise<string> {
    const all = await Promise.allSettled(this.hosts.values());
    return all.map((r) => (r.status === "fulfilled" ? r.value.stderr + r.value.stdout : "")).join("");
  }

  /** Ends every host. */
  async close(): Promise<void> {
    const all = await Promise.allSettled(this.hosts.values());
    this.hosts.clear();
    await Promise.all(all.map((r) => (r.status === "fulfilled" ? r.value.close() : undefined)));
  }
}
