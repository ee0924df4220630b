// File: bytes uploaded to the Files API, from a local path (`source`, read at `up`) or a string
// (`content`). A file never changes after upload, so a change of its bytes replaces it: `check`
// computes their sha256 (so preview's diff shows the replacement, and every session mounting the
// file, whose `fileId` changes, is replaced too); a change of the path alone, to the same bytes,
// changes nothing. Files carry no metadata, so no create token: a create whose answer is lost is
// looked up by its filename, size and time instead (see `uploadOnce`).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { z } from "zod";
import { files, type ApiFile } from "../api/files";
import { isAmbiguousFailure, messageOf, NotFoundError, systemErrorCode } from "../client/errors";
import type { CheckFailure } from "../kit/check";
import type { OperationContext } from "../kit/context";
import { claim, LOOKUP_MARGIN_MS, takenByThisProcess, UnconfirmedCreateError } from "../kit/create";
import { madeObject } from "../kit/provenance";
import { defineResource, nothingRecorded, labelOf } from "../kit/resource";
import { defineSpec, field } from "../kit/spec";
import { bounded, quote, QUOTE_CHARS } from "../kit/quote";
import { containsUnknown, UNKNOWN } from "../kit/values";

export const fileInputs = z.strictObject({
  source: z.string().min(1, "source must be a path").optional(),
  content: z.string().optional(),
  filename: z.string().min(1, "filename must not be empty").max(255).regex(/^[^/\\]+$/, "a file name, without a directory"),
  expiresInSeconds: z.number().int().min(3600).max(2_592_000).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest").optional(),
});
export type FileInputs = z.infer<typeof fileInputs>;

export const fileOutputs = z.object({
  sizeBytes: z.number().int(),
  mimeType: z.string(),
  downloadable: z.boolean(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type FileOutputs = z.infer<typeof fileOutputs>;

export const fileSpec = defineSpec({
  kind: "File",
  summary:
    "A file uploaded to the Files API (multipart), from a local path (`source`, read at `up`) or a string (`content`), for sessions to mount (`resources: [{ type: \"file\", fileId: file.id }]`). Files never change after upload: a change of the bytes (their sha256, computed at preview so the diff shows it), the filename or the expiry replaces the file, and with it every session that mounts it. Destroy deletes it.",
  inputs: fileInputs,
  updateText: "recorded, no API call",
  fields: {
    source: field.option({
      text: "A local path to upload, read when `pulumi up` runs (relative paths from the project directory). Give `source` or `content`, not both.",
      type: "path",
      change: "only the bytes count: a new path to the same bytes changes nothing",
    }),
    content: field.option({ text: "The file's text, uploaded as UTF-8. Give `source` or `content`, not both.", type: "string", change: "only the bytes count (see `sha256`)" }),
    filename: field.replace({ text: "The file's name as the API and a session's mount see it (no directory).", type: "string" }),
    expiresInSeconds: field.replace({ text: "Delete the file this long after upload (3600 to 2592000 seconds); omit to keep it.", type: "number" }),
    sha256: field.replace(
      {
        text: "Computed by the provider at preview: the sha256 of the bytes (`source`'s or `content`'s). Read it as an output.",
        type: "hex digest (computed)",
        change: "the bytes changed",
      },
      { computed: true },
    ),
  },
  outputs: fileOutputs,
  outputDocs: {
    sizeBytes: "Size in bytes, as the API stored it.",
    mimeType: "The MIME type the file was uploaded with (from the filename's extension).",
    downloadable: "Whether the API lets the file be downloaded (uploaded files are not; files agents produce are).",
    createdAt: "RFC 3339 upload time.",
    expiresAt: "RFC 3339 time the API deletes the file; null when it does not expire.",
  },
});

// ---------------------------------------------------------------------------------------------
// Bytes and their digest

const MIME_TYPES: Readonly<Record<string, string>> = {
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".csv": "text/csv",
  ".json": "application/json",
  ".html": "text/html",
  ".xml": "application/xml",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".zip": "application/zip",
};

export function mimeTypeOf(filename: string): string {
  return MIME_TYPES[nodePath.extname(filename).toLowerCase()] ?? "application/octet-stream";
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The bytes to upload; throws (naming the path) when the source cannot be read. */
function bytesOf(inputs: Pick<FileInputs, "source" | "content">): Buffer {
  if (inputs.source !== undefined) return fs.readFileSync(nodePath.resolve(inputs.source));
  return Buffer.from(inputs.content ?? "", "utf8");
}

/**
 * The largest file this provider uploads: `create` sends the bytes as one buffer, which Node's
 * file reads cap at 2 GiB (a larger one fails preview rather than `up`).
 */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

/** Why reading `source` failed, as a failure reason that quotes a prefix of the path. */
function unreadable(source: string, error: unknown): string {
  return `cannot read ${quote(source)}: ${systemErrorCode(error) ?? bounded(messageOf(error), QUOTE_CHARS)}`;
}

export function fileCrossCheck(inputs: FileInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if ((inputs.source === undefined) === (inputs.content === undefined)) {
    failures.push({ property: "source", reason: "give exactly one of source (a local path) and content (a string)" });
  } else if (inputs.source !== undefined && !containsUnknown(inputs.source)) {
    try {
      const stat = fs.statSync(nodePath.resolve(inputs.source));
      if (!stat.isFile()) failures.push({ property: "source", reason: `${quote(inputs.source)} is not a file` });
      else if (stat.size > MAX_FILE_BYTES) failures.push({ property: "source", reason: `${quote(inputs.source)} has ${stat.size} bytes: this provider uploads at most 2 GiB` });
    } catch (error) {
      failures.push({ property: "source", reason: unreadable(inputs.source, error) });
    }
  }
  return failures;
}

/**
 * The sha256 of a file, read in chunks into one buffer (memory stays flat whatever its size). A
 * file that grows past the upload limit while being read (stat said less) fails like one that was
 * too large.
 */
async function streamedSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  const chunk = Buffer.allocUnsafe(1 << 20);
  const handle = await fs.promises.open(file, "r");
  try {
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return hash.digest("hex");
      total += bytesRead;
      if (total > MAX_FILE_BYTES) throw new Error("more than 2 GiB, the most this provider uploads");
      hash.update(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/**
 * The sha256 of the bytes, at every check; none when the source is not readable, with a failure
 * naming it (a file `stat` calls regular can still fail to read: permissions, an I/O error).
 */
async function derive(inputs: FileInputs): Promise<{ values: Partial<FileInputs>; failures: CheckFailure[] }> {
  if (containsUnknown(inputs.source) || containsUnknown(inputs.content)) return { values: { sha256: UNKNOWN }, failures: [] };
  if (fileCrossCheck(inputs).length > 0) return { values: {}, failures: [] };
  if (inputs.source === undefined) return { values: { sha256: sha256Of(bytesOf(inputs)) }, failures: [] };
  try {
    return { values: { sha256: await streamedSha256(nodePath.resolve(inputs.source)) }, failures: [] };
  } catch (error) {
    return { values: {}, failures: [{ property: "source", reason: unreadable(inputs.source, error) }] };
  }
}

// ---------------------------------------------------------------------------------------------
// Hooks

function outputsOf(api: ApiFile): FileOutputs {
  return { sizeBytes: api.size_bytes, mimeType: api.mime_type, downloadable: api.downloadable ?? false, createdAt: api.created_at, expiresAt: api.expires_at ?? null };
}

const label = (inputs: Partial<FileInputs>, id?: string) => labelOf("file", inputs.filename, id);

/**
 * Uploads once. After an ambiguous failure (the upload may have landed), the files uploaded since
 * just before it are looked through for one with this name and size that nothing in this process
 * claimed; it is taken over rather than uploaded twice. Without metadata a file cannot carry a
 * create token: a process killed between the upload and the state write leaves the file behind.
 */
async function uploadOnce(ctx: OperationContext, operation: string, upload: Parameters<typeof files.upload>[2]): Promise<ApiFile> {
  for (;;) {
    const sentAt = ctx.clock.now();
    try {
      const created = await files.upload(ctx, operation, upload);
      madeObject(created.id);
      return created;
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      let found: ApiFile | undefined;
      try {
        for await (const f of files.list(ctx, `${operation} (looking for the upload after: ${messageOf(error)})`, {})) {
          if (Date.parse(f.created_at) < sentAt - LOOKUP_MARGIN_MS) break;
          if (f.filename === upload.filename && f.size_bytes === upload.bytes.byteLength && !takenByThisProcess(f.id)) found = f;
        }
      } catch (lookupError) {
        throw new UnconfirmedCreateError(
          `${operation}: the upload's answer was lost (${messageOf(error)}) and looking it up failed too (${messageOf(lookupError)}); nothing was sent again`,
        );
      }
      if (found) {
        claim(found.id);
        madeObject(found.id);
        return found;
      }
    }
  }
}

export const fileResource = defineResource(fileSpec, {
  crossCheck: fileCrossCheck,
  derive,

  async create(ctx, inputs) {
    const operation = `upload ${label(inputs)}`;
    let bytes: Buffer;
    try {
      bytes = bytesOf(inputs);
    } catch (error) {
      throw new Error(`${operation}: cannot read ${inputs.source ?? "(content)"}: ${messageOf(error)}`, { cause: error });
    }
    const digest = sha256Of(bytes);
    if (inputs.sha256 !== undefined && digest !== inputs.sha256) {
      throw new Error(`${operation}: ${inputs.source ?? "content"} changed after the preview computed its sha256; nothing was uploaded: run \`pulumi up\` again`);
    }
    const created = await uploadOnce(ctx, operation, { bytes, filename: inputs.filename, mimeType: mimeTypeOf(inputs.filename), expiresInSeconds: inputs.expiresInSeconds });
    return { id: created.id, outputs: outputsOf(created) };
  },

  async read(ctx, id, state) {
    const api = await files.retrieve(ctx, `read ${label(state.inputs, id)}`, id);
    if (!api) return undefined;
    // Nothing of a file changes after upload: what was declared still describes it. With nothing
    // declared (an import), the name is all the API tells: the bytes' source is the program's.
    return { inputs: nothingRecorded(fileSpec, state.inputs) ? { filename: api.filename } : state.inputs, outputs: outputsOf(api) };
  },

  async update(_ctx, _id, olds) {
    // Only the path to the same bytes, or the inline text's source, changed: nothing to send.
    return olds.outputs;
  },

  async delete(ctx, id, state) {
    try {
      await files.delete(ctx, `delete ${label(state.inputs, id)}`, id);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  },
});
