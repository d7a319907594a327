// Answer-file templates (Liquid): edit (validated by the core on save), restore the default, and
// preview the file a known machine would get. An edit the core refused when it started (old
// template syntax) is shown with the reason; the shipped template serves until it is saved again.
import { useEffect, useId, useState } from 'react';
import type { AnswerTemplate } from '../../../electron/shared/contract.js';
import { useLive, useStore } from '../../app/context.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { AnswerFilePreview } from '../hosts/AnswerFilePreview.js';

export function Templates() {
  const store = useStore();
  const hosts = useLive((s) => s.hosts);
  const distros = useLive((s) => s.distros);
  const [templates, setTemplates] = useState<AnswerTemplate[] | null>(null);
  const [name, setName] = useState<string>('');
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [previewMac, setPreviewMac] = useState('');
  const [previewOn, setPreviewOn] = useState(false);
  const id = useId();

  useEffect(() => {
    store.api.call('GET /api/templates').then((list) => {
      setTemplates(list);
      const first = list[0];
      if (first) {
        setName(first.name);
        setText(first.text);
      }
    }, setError);
  }, [store]);

  const current = templates?.find((t) => t.name === name) ?? null;
  const distroForPreview = current ? [...distros.values()].find((d) => current.families.includes(d.family)) : undefined;

  const choose = (n: string) => {
    const t = templates?.find((x) => x.name === n);
    setName(n);
    setText(t?.text ?? '');
    setStatus('');
    setPreviewOn(false);
  };

  const save = async (restore: boolean) => {
    if (!current) return;
    setError(null);
    try {
      const t = await store.api.call('PUT /api/templates/:name', { params: { name: current.name }, body: { text: restore ? null : text } });
      setTemplates((list) => list?.map((x) => (x.name === t.name ? t : x)) ?? null);
      setText(t.text);
      setStatus(restore ? 'Default restored.' : 'Saved.');
      setPreviewOn(false);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Answer-file templates</h2>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {!templates ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <div className="toolbar">
            <label htmlFor={`${id}-tpl`}>Template</label>
            <select id={`${id}-tpl`} value={name} onChange={(e) => choose(e.target.value)}>
              {templates.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({t.families.join(', ')}){t.custom ? ' · edited' : ''}
                  {t.refusal ? ' · refused' : ''}
                </option>
              ))}
            </select>
          </div>
          {current?.refusal ? (
            <div className="note note-warn" role="alert">
              {current.refusal}
            </div>
          ) : null}
          <p className="muted">
            Templates are Liquid: the syntax is Liquid&apos;s own (liquidjs.com, Shopify&apos;s Liquid reference); the variables, the
            filters Bootbench adds and the limits are in docs/design/answer-files.md.
          </p>
          <label htmlFor={`${id}-text`} className="visually-hidden">
            Template text
          </label>
          <textarea
            id={`${id}-text`}
            className="code"
            rows={16}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
          />
          <div className="buttons">
            <button type="button" className="primary" onClick={() => void save(false)} disabled={!current || text === current.text}>
              Save template
            </button>
            <button type="button" onClick={() => void save(true)} disabled={!current?.custom}>
              Restore default
            </button>
            <label htmlFor={`${id}-mac`}>Preview for</label>
            <select id={`${id}-mac`} value={previewMac} onChange={(e) => setPreviewMac(e.target.value)}>
              <option value="">choose a machine…</option>
              {[...hosts.keys()].map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
            <button
              type="button"
              disabled={!previewMac || !distroForPreview}
              onClick={() => setPreviewOn(true)}
              title={distroForPreview ? '' : 'Import an ISO of a family this template serves'}
            >
              Preview
            </button>
            {status ? (
              <span role="status" className="muted">
                {status}
              </span>
            ) : null}
          </div>
          {previewOn && previewMac && distroForPreview ? <AnswerFilePreview mac={previewMac} distro={distroForPreview.id} /> : null}
        </>
      )}
    </section>
  );
}
