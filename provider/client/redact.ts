// Every secret this provider process has handled (the API key, write-only credential values) is
// registered here, so that no error message can carry it out: the API may quote a value it
// refuses, and stack traces print messages verbatim (DESIGN §10).

const secrets = new Set<string>();
/** Shorter values are too likely to occur by chance in ordinary text. */
const MIN_SECRET_LENGTH = 6;
/** A quoted secret is often truncated ("ghp_abc…"): a prefix this long is redacted too. */
const PREFIX_LENGTH = 12;
export const REDACTED = "[secret]";

export function registerSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function redact(text: string): string {
  if (secrets.size === 0 || text === "") return text;
  let out = text;
  // Longest first, so that a secret containing another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
    if (secret.length > PREFIX_LENGTH) out = redactPrefixes(out, secret);
  }
  return out;
}

function redactPrefixes(text: string, secret: string): string {
  const head = secret.slice(0, PREFIX_LENGTH);
  let out = "";
  let from = 0;
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, from)) {
    let end = at + PREFIX_LENGTH;
    while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end++;
    out += text.slice(from, at) + REDACTED;
    from = end;
  }
  return out + text.slice(from);
}

/** An error with its message and stack redacted; other fields (an init error's id) are kept. */
export function redactError<E>(error: E): E {
  if (error instanceof Error) {
    error.message = redact(error.message);
    if (error.stack !== undefined) error.stack = redact(error.stack);
  }
  return error;
}
