// A running install in words: its stage, the time it has taken and when a stall will fail it (the server's deadline), over a progress bar spoken as "Installing, 41%". Ticks each second.
import { useState } from 'react';
import type { HostInstall } from '../../../electron/shared/contract.js';
import { askNotifyPermission, notifyPermission } from '../../app/notify.js';
import { StageProgress } from '../../components/StageProgress.js';
import { deadlineWords, elapsedWords, percent, stageWords } from '../../components/install-words.js';
import { useNow } from '../../components/useNow.js';

export function InstallProgress({ install }: { install: HostInstall }) {
  const now = useNow(1000);
  const deadline = deadlineWords(install, now);
  return (
    <div className="install-progress" data-testid="install-progress">
      <StageProgress install={install} label="Install progress" className="wide" />
      <p>
        <strong>{stageWords(install.stage)}</strong> · {percent(install.progress)}% · {elapsedWords(install, now)}
      </p>
      {deadline ? <p className="muted">{deadline}</p> : null}
      <NotifyOffer />
    </div>
  );
}

/** Offers desktop notifications while none were decided; asking happens only on this click. */
function NotifyOffer() {
  const [permission, setPermission] = useState(notifyPermission);
  if (permission !== 'default') return null;
  return (
    <button type="button" className="link small" onClick={() => void askNotifyPermission().then(setPermission)}>
      Notify me when installs finish
    </button>
  );
}
