// Boot recipes per family: which kernel and initrd boot the installer, and the kernel arguments
// that point it at its repository (the imported ISO over HTTP), its answer file and Bootbench's log
// receivers. Pure: URLs in, a recipe out; the boot scripts (boot/) render it.
//
// Quoting: iPXE splits a `kernel` line on white space and hands the rest to the kernel verbatim;
// it has no quoting of its own (a `"` reaches the kernel as is) and expands `${…}` settings. The
// kernel reads `key="a b"` as one argument. So an argument with white space is written
// key="value", a double quote inside one cannot be expressed and is refused, and `;` (which GRUB
// would take as a command separator, hence the quotes in Ubuntu's GRUB examples) needs nothing.
import type { Distro } from '../../shared/contract.js';

export interface RecipeUrls {
  /** http://SERVER[:PORT] */
  httpBase: string;
  serverIp: string;
  /** The install's kernel and initrd, served out of the ISO under the install's token. */
  kernel: string;
  initrd: string;
  /** The answer file (kickstart, preseed, AutoYaST) under the install's token. */
  answer: string;
  /** cloud-init NoCloud seed folder (user-data, meta-data), ending in '/'. */
  nocloud: string;
  report: string;
  /** The ISO's tree over HTTP, ending in '/': /iso/<id>/ */
  repo: string;
  /** The whole ISO file: /iso/<id>.iso */
  iso: string;
  syslogPort: number;
}

export interface BootRecipe {
  kernelUrl: string;
  /** Loaded in order; `name` is what the kernel line's initrd= refers to (EFI stub loading). */
  initrds: { url: string; name: string }[];
  args: string[];
  /** Where the answer file comes from, or null for a family without one. */
  answerKind: 'kickstart' | 'preseed' | 'autoinstall' | 'autoyast' | null;
}

export interface RecipeInput {
  distro: Distro;
  urls: RecipeUrls;
  hostname: string;
  domain: string;
  /** Debian: the suite (codename) of the ISO's archive, from its dists/ folder. */
  debianSuite?: string | null;
  /** The lab DNS server Bootbench runs (full-DHCP mode), or null when the network has its own. */
  labDns?: string | null;
  /** The host's own extra kernel arguments (Host.kernelArgs): after the distro's, so that they win where the kernel takes the last. */
  hostKernelArgs?: string | null;
}

export class RecipeError extends Error {}

/** The recipe for one install; throws RecipeError with a message for the user when the distro cannot be booted. */
export function bootRecipe(input: RecipeInput): BootRecipe {
  const { distro, urls } = input;
  const initrds = [{ url: urls.initrd, name: 'initrd' }];
  const base = { kernelUrl: urls.kernel, initrds };
  // The user's arguments: the distro's, then the host's.
  const user = [...splitArgs(distro.kernelArgs), ...splitArgs(input.hostKernelArgs ?? '')];
  switch (distro.family) {
    case 'rhel':
      // Anaconda: the ISO's tree is a complete repository (inst.repo); kickstart by URL; its own
      // logs forwarded by rsyslog to inst.syslog (host:port).
      return {
        ...base,
        answerKind: 'kickstart',
        args: [
          'initrd=initrd',
          `inst.repo=${urls.repo}`,
          `inst.ks=${urls.answer}`,
          `inst.syslog=${urls.serverIp}:${urls.syslogPort}`,
          'inst.text',
          'ip=dhcp',
          ...user,
        ],
      };
    case 'ubuntu':
      // Subiquity (20.04+): casper downloads the whole ISO into RAM (url=) and boots it; cloud-init's
      // NoCloud seed comes over HTTP (ds=nocloud-net;s=URL, the `;` needs no quoting in iPXE);
      // `autoinstall` skips the confirmation prompt. The webhook reporter is in the user-data.
      return {
        ...base,
        answerKind: 'autoinstall',
        args: [
          'initrd=initrd',
          'ip=dhcp',
          `url=${urls.iso}`,
          'autoinstall',
          `ds=nocloud-net;s=${urls.nocloud}`,
          'cloud-config-url=/dev/null',
          ...user,
        ],
      };
    case 'debian':
      // The netboot-flavour installer (see debian-netboot.ts for where its kernel and initrd come
      // from) with the ISO as its mirror (the preseed sets mirror/http/*). auto=true defers the
      // locale and keyboard questions until the preseed is loaded; priority=critical asks nothing
      // else; log_host/log_port make busybox syslogd forward every installer log line. Questions
      // asked before the preseed arrives (network configuration) are answered on this line.
      return {
        ...base,
        answerKind: 'preseed',
        args: [
          'initrd=initrd',
          'auto=true',
          'priority=critical',
          `url=${urls.answer}`,
          `log_host=${urls.serverIp}`,
          `log_port=${urls.syslogPort}`,
          `hostname=${input.hostname}`,
          `domain=${input.domain}`,
          'netcfg/choose_interface=auto',
          // An isolated lab has no router, and netcfg stops to ask "Continue without a default
          // route?" before the preseed is loaded: answer it here.
          'netcfg/no_default_route=true',
          // Without a router in the lease, d-i's udhcpc script (`sh -e`) fails at `ip route add
          // default via ""` before it writes resolv.conf, and netcfg then asks for name servers.
          ...(input.labDns ? [`netcfg/get_nameservers=${input.labDns}`] : []),
          ...(input.debianSuite ? [`mirror/suite=${input.debianSuite}`] : []),
          ...user,
        ],
      };
    case 'suse':
      // linuxrc: the ISO tree as installation source, AutoYaST profile by URL, no self-update (the
      // lab has no internet, and it would wait for a timeout).
      return {
        ...base,
        answerKind: 'autoyast',
        args: ['initrd=initrd', `install=${urls.repo}`, `autoyast=${urls.answer}`, 'self_update=0', 'ifcfg=*=dhcp', 'textmode=1', ...user],
      };
    case 'alpine':
    case 'generic': {
      if (!distro.kernel || !distro.initrd) {
        throw new RecipeError(
          `${distro.id} has no kernel and initrd set: set them (paths inside the ISO) and the kernel arguments in the distro's settings`,
        );
      }
      // The user's arguments, with placeholders for the URLs only Bootbench knows.
      const fill = (arg: string) =>
        arg.replace(/\{(server|http|repo_url|iso_url|report_url|syslog)\}/g, (_, key: string) => {
          switch (key) {
            case 'server':
              return urls.serverIp;
            case 'http':
              return urls.httpBase;
            case 'repo_url':
              return urls.repo;
            case 'iso_url':
              return urls.iso;
            case 'report_url':
              return urls.report;
            default:
              return `${urls.serverIp}:${urls.syslogPort}`;
          }
        });
      const defaults = distro.family === 'alpine' ? alpineArgs(distro, urls) : [];
      return { ...base, answerKind: null, args: ['initrd=initrd', ...defaults, ...user.map(fill)] };
    }
  }
}

/** Alpine's netboot: the ISO's apks folder as repository, its modloop over HTTP. */
function alpineArgs(distro: Distro, urls: RecipeUrls): string[] {
  const flavor = /vmlinuz-(\w+)$/.exec(distro.kernel ?? '')?.[1] ?? 'lts';
  return ['ip=dhcp', `alpine_repo=${urls.repo}apks`, `modloop=${urls.repo}boot/modloop-${flavor}`];
}

/** Splits a user's kernel-argument string into arguments, keeping key="a b" together. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (const m of text.matchAll(re)) out.push(m[0]);
  return out;
}

/** One argument as the kernel must see it: quoted when it holds white space. */
export function quoteKernelArg(arg: string): string {
  const eq = arg.indexOf('=');
  const [key, value] = eq < 0 ? ['', arg] : [arg.slice(0, eq + 1), arg.slice(eq + 1)];
  const bare = value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
  if (bare.includes('"'))
    throw new RecipeError(`kernel argument ${JSON.stringify(arg)} holds a double quote, which the kernel command line cannot carry`);
  if (/[\r\n]/.test(bare)) throw new RecipeError(`kernel argument ${JSON.stringify(arg)} holds a line break`);
  return /\s/.test(bare) ? `${key}"${bare}"` : `${key}${bare}`;
}

/** A recipe's kernel arguments, each quoted as the kernel reads it. */
export function kernelArgs(recipe: BootRecipe): string[] {
  return recipe.args.map(quoteKernelArg);
}
