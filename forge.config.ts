// Electron Forge packaging. The makers and the Vite plugin arrive with the desktop-app issue; the
// packager options below are the parts that already hold: what the app bundle contains.
interface ForgeConfigLike {
  packagerConfig: Record<string, unknown>;
  makers: { name: string; config: Record<string, unknown>; platforms?: string[] }[];
}

const config: ForgeConfigLike = {
  packagerConfig: {
    name: 'Bootbench',
    executableName: 'bootbench',
    asar: { unpack: '**/{*.node,assets/boot/**}' },
    extraResource: ['assets/boot'],
  },
  makers: [
    { name: '@electron-forge/maker-zip', config: {}, platforms: ['linux', 'darwin', 'win32'] },
    { name: '@electron-forge/maker-deb', config: { options: { categories: ['System', 'Network'] } } },
    { name: '@electron-forge/maker-rpm', config: {} },
    { name: '@electron-forge/maker-squirrel', config: {} },
    { name: '@electron-forge/maker-dmg', config: {} },
  ],
};

export default config;
