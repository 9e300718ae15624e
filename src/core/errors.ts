// Errors that are the user's to fix: a file, flag or setting that is missing, malformed or does not match. They all
// derive from UserError, so that the CLI prints the message alone (one line, exit status 2) and the studio shows it
// in its alert without asking which kind it is; anything else is a bug and keeps its stack trace.
import type { Said } from './messages';

export class UserError extends Error {
  /** The sentence as data (src/core/messages.ts), for the page to word in its language; `message` is its English. */
  readonly said?: Said;

  constructor(message: string | Said) {
    super(typeof message === 'string' ? message : message.text);
    this.name = new.target.name;
    if (typeof message !== 'string') this.said = message;
  }
}

/** A model folder file (or a checkpoint's) that is missing, malformed or does not match. */
export class ModelFileError extends UserError {}
