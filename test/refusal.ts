// The error a call throws, as the CLI prints it (its English message) and as a Spanish page words it (its `said`),
// for the tests of the core's catalogs.
import type { UserError } from '../src/core/errors';
import { wordIn } from '../src/core/messages';
import { CATALOGS } from '../src/worker/catalogs';

export async function refusal(f: () => unknown): Promise<{ en: string; es: string }> {
  const e = await (async () => f())().then(() => { throw new Error('no error'); }, (x: UserError) => x);
  if (!e.said) throw new Error(`no sentence as data: ${e.message}`);
  return { en: e.message, es: wordIn(e.said, 'es', CATALOGS) };
}
