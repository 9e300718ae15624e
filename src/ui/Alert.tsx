// A user's mistake (a bad file, a bad setting, a failed download), said in one sentence that names the file or field.
export function Alert({ message }: { message: string | null }) {
  return message ? <p role="alert" className="alert">{message}</p> : null;
}
