// A user's mistake (a bad file, a bad setting, a failed download), said in one sentence that names the file or field:
// worded when shown, in the page's language.
import type { Wordable } from './format';
import { useI18n } from './i18n/language';

export function Alert({ message }: { message: Wordable | null }) {
  const { word } = useI18n();
  return message ? <p role="alert" className="alert">{word(message)}</p> : null;
}
