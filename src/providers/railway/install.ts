/**
 * The `railway` CLI as the shared installer (../cli.ts) sees it: the release archive of
 * github.com/railwayapp/cli for this runner, pinned to the version docs/platforms.md was read from.
 */
import type { CliTool } from '../cli.js';

export const railwayCli: CliTool = {
  name: 'railway',
  commands: ['railway'],
  // The release docs/platforms.md's facts were read from (railwayapp/cli v5.42.1).
  defaultVersion: '5.42.1',
  versionArgs: ['--version'],
  // clap's DisplayVersion: "railway 5.42.1" on stdout, exit 0 (src/main.rs).
  parseVersion: (output) => /railway(?:app)?\s+v?(\d+\.\d+\.\d+)/i.exec(output)?.[1],
  // Asset names of github.com/railwayapp/cli releases; install.sh picks the static musl build on Linux.
  asset: (version, platform, arch) => {
    const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : undefined;
    const os = platform === 'linux' ? 'unknown-linux-musl' : platform === 'darwin' ? 'apple-darwin' : undefined;
    if (!cpu || !os) return undefined;
    return {
      path: `/railwayapp/cli/releases/download/v${version}/railway-v${version}-${cpu}-${os}.tar.gz`,
      binary: 'railway',
    };
  },
  // Railway's release workflow uploads the archives and no checksum file (.github/workflows/
  // release.yml at v5.42.1, "Upload release asset"); install.sh checks none either.
  noChecksums: { publisher: 'Railway', input: 'cli-sha256' },
};
