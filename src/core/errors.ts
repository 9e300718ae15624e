// Errors that are the user's to fix: a model folder file that is missing, malformed or does not match. The CLI
// prints their message alone and the studio shows it in its alert; anything else is a bug.
export class ModelFileError extends Error {}
