// Validation of a rendered answer file before any host boots with it (issue 5, Build 3): one
// checker per format, each reporting problems with their line.
import type { AnswerTemplateName, ValidationProblem } from '../../../shared/contract.js';
import { assertNever } from '../../../shared/assert-never.js';
import { validateAutoinstall } from './autoinstall.js';
import { validateAutoyast } from './autoyast.js';
import { validateKickstart } from './kickstart.js';
import { validatePreseed } from './preseed.js';

export interface ValidationResult {
  ok: boolean;
  problems: ValidationProblem[];
}

export function validateAnswerFile(name: AnswerTemplateName, text: string): ValidationResult {
  switch (name) {
    case 'kickstart':
      return validateKickstart(text);
    case 'preseed':
      return validatePreseed(text);
    case 'autoinstall':
      return validateAutoinstall(text);
    case 'autoyast':
      return validateAutoyast(text);
    default:
      return assertNever(name, 'answer file kind');
  }
}
