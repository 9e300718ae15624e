// The studio's Web Worker: exposes the Studio (src/worker/studio.ts) to the page through comlink.
import * as Comlink from 'comlink';
import { Studio } from './studio';
import { sendSaidWithErrors } from './thrown';

sendSaidWithErrors();
Comlink.expose(new Studio());
