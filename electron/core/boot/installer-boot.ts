// What boots an installer, as the install manager hands it to the boot scripts: data, not script
// text, so that each boot program (iPXE today, GRUB next) renders it in its own syntax.
export interface InstallerBoot {
  /** Said on the machine's screen while it loads, e.g. "installing Rocky Linux 9.4 (rocky-9.4-x86_64)". */
  title: string;
  kernelUrl: string;
  /** Loaded in order; `name` is what the command line's initrd= refers to (EFI stub loading). */
  initrds: { url: string; name: string }[];
  /**
   * The kernel's arguments, one element each, each already written as the kernel reads it
   * (`key="a b"` for a value with white space: install/recipes.ts). Each boot program joins or
   * quotes them in its own syntax.
   */
  args: string[];
}

/** The installer for a host with an install under way, asked by the client at `clientIp`; null: it waits. */
export type InstallerFor = (mac: string, clientIp: string) => Promise<InstallerBoot | null>;
