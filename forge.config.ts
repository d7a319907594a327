// Electron Forge packaging: what the app bundle contains, its fuses and its installers.
// Type-checked only on the build machines (no Electron binary can be downloaded there), so the
// Forge types are mirrored locally instead of imported; the shapes are Forge 7's ForgeConfig.
//
// Bundling is esbuild's (scripts/build.mjs: core, main, preload and the React UI), run by the
// generateAssets hook, rather than Forge's Vite plugin: the renderer is served by the core over
// HTTP (the same page a browser gets), so Vite's renderer dev server and its per-window entries
// have nothing to serve, and one bundler builds every target. See docs/design/ui.md.
import { execFileSync } from 'node:child_process';

interface ForgeConfigLike {
  packagerConfig: Record<string, unknown>;
  makers: { name: string; config: Record<string, unknown>; platforms?: string[] }[];
  plugins: { name: string; config: Record<string, unknown> }[];
  hooks: { generateAssets?: () => Promise<void> };
}

// @electron/fuses FuseV1Options, by their wire index (what FusesPlugin's config is keyed by).
const FuseV1 = {
  RunAsNode: 0,
  EnableCookieEncryption: 1,
  EnableNodeOptionsEnvironmentVariable: 2,
  EnableNodeCliInspectArguments: 3,
  EnableEmbeddedAsarIntegrityValidation: 4,
  OnlyLoadAppFromAsar: 5,
  LoadBrowserProcessSpecificV8Snapshot: 6,
  GrantFileProtocolExtraPrivileges: 7,
} as const;

const config: ForgeConfigLike = {
  packagerConfig: {
    name: 'Bootbench',
    executableName: 'bootbench',
    asar: { unpack: '**/{*.node,assets/boot/**}' },
    extraResource: ['assets/boot'],
    // Only what runs: the bundles and the boot assets, never sources, tests or benches.
    ignore: [/^\/(electron|renderer|test|bench|docs|scripts|lab)\//, /\.map$/],
  },
  makers: [
    { name: '@electron-forge/maker-zip', config: {}, platforms: ['linux', 'darwin', 'win32'] },
    {
      name: '@electron-forge/maker-deb',
      // nodejs: the Node that runs the privileged helper through pkexec (the RunAsNode fuse is off).
      config: { options: { categories: ['System', 'Network'], depends: ['nodejs (>= 20.19)', 'policykit-1 | pkexec'] } },
    },
    {
      name: '@electron-forge/maker-rpm',
      config: { options: { categories: ['System', 'Network'], requires: ['nodejs >= 20.19', 'polkit'] } },
    },
    { name: '@electron-forge/maker-squirrel', config: { name: 'Bootbench' } },
    { name: '@electron-forge/maker-dmg', config: { format: 'ULFO' } },
  ],
  plugins: [
    { name: '@electron-forge/plugin-auto-unpack-natives', config: {} },
    {
      name: '@electron-forge/plugin-fuses',
      config: {
        version: '1',
        // No "Electron as Node": the core runs in a utilityProcess or under a real Node (pkexec).
        [FuseV1.RunAsNode]: false,
        [FuseV1.EnableCookieEncryption]: true,
        [FuseV1.EnableNodeOptionsEnvironmentVariable]: false,
        [FuseV1.EnableNodeCliInspectArguments]: false,
        [FuseV1.EnableEmbeddedAsarIntegrityValidation]: true,
        [FuseV1.OnlyLoadAppFromAsar]: true,
        [FuseV1.GrantFileProtocolExtraPrivileges]: false,
      },
    },
  ],
  hooks: {
    generateAssets: async () => {
      execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    },
  },
};

export default config;
