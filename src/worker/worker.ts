// The studio's Web Worker: exposes the Studio (src/worker/studio.ts) to the page through comlink.
import * as Comlink from 'comlink';
import { Studio } from './studio';

Comlink.expose(new Studio());
