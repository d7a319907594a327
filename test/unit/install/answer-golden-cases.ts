// Every install the answer-file tests render, named: the shipped templates must render each of
// them byte-for-byte as test/fixtures/answer-files/<template>.<case>.golden says (captured from the
// Jinja-like engine before the move to Liquid; regenerate only with UPDATE_GOLDEN=1 and review).
import type { AnswerTemplateName } from '../../../electron/shared/contract.js';
import type { AnswerContextInput } from '../../../electron/core/install/answer-files.js';
import { sampleInputs } from '../../../electron/core/install/template-store.js';
import { SAMPLE_SETTINGS, sampleInput } from './answer-fixtures.js';

export interface GoldenCase {
  template: AnswerTemplateName;
  name: string;
  input: AnswerContextInput;
}

const FAMILY = { kickstart: 'rhel', preseed: 'debian', autoinstall: 'ubuntu', autoyast: 'suse' } as const;
const NAMES: readonly AnswerTemplateName[] = ['kickstart', 'preseed', 'autoinstall', 'autoyast'];

/** The overrides of answer-files.test.ts "overrides replace settings of the same name". */
const OVERRIDES = {
  hostname: 'web1',
  domain: 'test.example',
  timezone: 'Etc/UTC',
  keyboard: 'us',
  targetDisk: 'sdb',
  extraPackages: 'nginx, git  jq',
  locale: 'en_US.UTF-8',
};

/** Beyond the tests' own: two keys, no domain, a BIOS host, text that needs quoting in every format. */
const awkward = {
  ...SAMPLE_SETTINGS,
  domain: '',
  sshAuthorizedKey: `${SAMPLE_SETTINGS.sshAuthorizedKey}\n\n  ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 o'brien@"lab" & <co>  \n`,
  postInstallScript: `#!/bin/sh\necho "<b>&amp;</b>" ]]> 'x' \\\n  $HOME \`id\` %s é\n`,
  extraPackages: ['vim', 'tmux', 'nginx-full'],
};

export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [];
  for (const template of NAMES) {
    const family = FAMILY[template];
    const add = (name: string, over: Partial<AnswerContextInput> = {}) => cases.push({ template, name, input: sampleInput(family, over) });
    add('sample');
    add('overrides', { overrides: OVERRIDES });
    add('awkward', { settings: awkward, host: { ...sampleInput(family).host, firmware: 'bios', ip: null, uuid: null } });
    sampleInputs(template).forEach((input, i) => cases.push({ template, name: i === 0 ? 'store-full' : 'store-bare', input }));
  }
  const add = (template: AnswerTemplateName, name: string, over: Partial<AnswerContextInput>) =>
    cases.push({ template, name, input: sampleInput(FAMILY[template], over) });
  add('kickstart', 'disk-nothing-optional', {
    settings: { ...SAMPLE_SETTINGS, targetDisk: '/dev/nvme0n1', rootPasswordHash: null, sshAuthorizedKey: '', postInstallScript: '' },
  });
  add('preseed', 'unsigned', { debianSigned: false });
  add('preseed', 'signed', { debianSigned: true });
  add('preseed', 'disk-nothing-optional', {
    settings: {
      ...SAMPLE_SETTINGS,
      targetDisk: 'sdb',
      rootPasswordHash: null,
      sshAuthorizedKey: '',
      postInstallScript: '',
      extraPackages: [],
    },
    debianSuite: null,
  });
  add('autoinstall', 'disk-nothing-optional', {
    settings: {
      ...SAMPLE_SETTINGS,
      targetDisk: '/dev/vda',
      rootPasswordHash: null,
      sshAuthorizedKey: '',
      postInstallScript: '',
      adminPasswordHash: null,
    },
  });
  add('autoyast', 'nasty-post-script', {
    settings: { ...SAMPLE_SETTINGS, targetDisk: 'sda', postInstallScript: `echo "<b>&amp;</b>" ]]> 'x'`, rootPasswordHash: null },
  });
  return cases;
}
