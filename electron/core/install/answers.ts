// The answer-file renderer the install manager is handed: the user's settings and templates
// (stores), the context of one install (answer-files.ts), and the validator of each format.
import type { AnswerTemplateName } from '../../shared/contract.js';
import type { AnswerRenderer } from './install-media.js';
import { buildAnswerContext, hostnameFor, renderAnswerFile } from './answer-files.js';
import type { SettingsStore } from './settings-store.js';
import type { TemplateStore } from './template-store.js';
import { validateAnswerFile } from './validate/index.js';

export function createAnswerRenderer(stores: { settings: SettingsStore; templates: TemplateStore }): AnswerRenderer {
  return {
    render: async (input) => {
      const context = buildAnswerContext({
        host: input.host,
        distro: input.distro,
        settings: stores.settings.get(),
        overrides: input.overrides,
        urls: input.urls,
        syslog: { host: input.urls.serverIp, port: input.urls.syslogPort },
        serverIp: input.urls.serverIp,
        debianSuite: input.debianSuite,
        debianSigned: input.debianSigned,
        counter: input.counter,
      });
      const name: AnswerTemplateName = input.name;
      const { text, contentType } = renderAnswerFile({ name, template: stores.templates.compiled(name) }, context);
      return { text, contentType, validation: validateAnswerFile(name, text) };
    },
    hostname: (host, overrides, counter) => {
      const { hostname, domain } = hostnameFor({ settings: stores.settings.get(), overrides, mac: host.mac, counter });
      return { hostname, domain };
    },
  };
}
