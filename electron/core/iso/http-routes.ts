// ★ Boot HTTP paths of the ISO library:
//   /iso/<distro id>.iso            the whole ISO file (Ubuntu's casper fetches it with url=)
//   /iso/<distro id>/<path inside>  any file inside an imported ISO, read straight out of it
// Range, HEAD and Content-Length come from the boot server's file responses.
import type { BootHttpServer } from '../http/server.js';
import { requireGetOrHead, sendOpened, sendText } from '../http/file-response.js';
import type { IsoLibrary } from './library.js';

const ID = /^[a-z0-9][a-z0-9._-]*$/;

export function mountIsoRoutes(server: Pick<BootHttpServer, 'mount'>, library: Pick<IsoLibrary, 'openInside' | 'openWhole'>): void {
  server.mount('/iso', async (req, res, rest) => {
    if (!requireGetOrHead(req, res)) return;
    const slash = rest.indexOf('/');
    if (slash < 0) {
      const id = rest.endsWith('.iso') ? rest.slice(0, -4) : '';
      if (!ID.test(id)) return sendText(req, res, 404, 'Not found\n');
      return sendOpened(req, res, await library.openWhole(id), rest);
    }
    const id = rest.slice(0, slash);
    const inside = rest.slice(slash + 1);
    if (!ID.test(id) || inside === '') return sendText(req, res, 404, 'Not found\n'); // no listings
    return sendOpened(req, res, await library.openInside(id, inside), inside);
  });
}
