/**
 * flyctl as the shared installer (../cli.ts) sees it: the release archives of
 * github.com/superfly/flyctl, checked against goreleaser's sha256 list beside them.
 */
import type { CliTool } from '../cli.js';

export const flyCli: CliTool = {
  name: 'flyctl',
  commands: ['flyctl', 'fly'],
  // A flyctl release whose archive name is recorded in public tests (flyctl_<v>_<OS>_<arch>.tar.gz).
  defaultVersion: '0.4.115',
  versionArgs: ['version'],
  // "flyctl v0.4.115 linux/amd64 Commit: … BuildDate: …"
  parseVersion: (output) => /flyctl\s+v?(\d+\.\d+\.\d+)/i.exec(output)?.[1],
  // Assets of github.com/superfly/flyctl releases, as the official install.sh names them.
  asset: (version, platform, arch) => {
    const os = platform === 'linux' ? 'Linux' : platform === 'darwin' ? 'macOS' : undefined;
    const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'arm64' : undefined;
    if (!os || !cpu) return undefined;
    const dir = `/superfly/flyctl/releases/download/v${version}`;
    return {
      path: `${dir}/flyctl_${version}_${os}_${cpu}.tar.gz`,
      binary: 'flyctl',
    };
  },
  // goreleaser's sha256 list beside the archives. Releases are cut with .goreleaser.2.yml
  // (.github/workflows/release.yml:102), which sets no checksum name: goreleaser's default
  // <project>_<version>_checksums.txt; the older .goreleaser.yml:96-97 named it checksums.txt.
  checksums: (version) => [
    `/superfly/flyctl/releases/download/v${version}/flyctl_${version}_checksums.txt`,
    `/superfly/flyctl/releases/download/v${version}/checksums.txt`,
  ],
};
