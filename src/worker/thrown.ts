// comlink sends a thrown Error as its message, name and stack. A UserError's sentence as data (`said`) goes with them,
// so that the page words the error in its language (comlink's page side copies every field it receives onto the Error
// it throws again). Installed once, by the worker, before it exposes the studio.
import * as Comlink from 'comlink';
import { UserError } from '../core/errors';

interface Thrown { value: unknown }
interface SerializedThrown { isError: boolean; value: Record<string, unknown> }

export function sendSaidWithErrors(): void {
  const base = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<Thrown, SerializedThrown>;
  const handler: Comlink.TransferHandler<Thrown, SerializedThrown> = {
    canHandle: base.canHandle,
    serialize(thrown) {
      const [serialized, transfers] = base.serialize(thrown);
      if (serialized.isError && thrown.value instanceof UserError && thrown.value.said) serialized.value.said = thrown.value.said;
      return [serialized, transfers];
    },
    deserialize: base.deserialize,
  };
  Comlink.transferHandlers.set('throw', handler as Comlink.TransferHandler<unknown, unknown>);
}
