// Files in the emulator: multipart upload, metadata, download, delete, list (newest first), with
// the Files API's own beta header. Uploaded files are not downloadable (the API serves back only
// files the platform produced); `downloadable` says so, and a download of one is refused.
import { invalid, notFound, RawResponse } from "./http";
import { newId } from "./ids";
import { paginate } from "./pagination";
import type { EmulatorModule, RouteRequest, Router } from "./router";
import type { Json } from "./rules/values";

export const FILES_BETA = "files-api-2025-04-14";

export interface FileRecord extends Json {
  id: string;
  type: "file";
  filename: string;
  mime_type: string;
  size_bytes: number;
  created_at: string;
  downloadable: boolean;
  expires_at: string | null;
}

interface StoredFile {
  record: FileRecord;
  /** base64 (dump/load keep plain JSON). */
  content: string;
}

export class FilesModule implements EmulatorModule {
  readonly name = "files";
  readonly files = new Map<string, StoredFile>();

  get(id: string): FileRecord {
    const found = this.files.get(id);
    if (!found || this.expired(found.record)) throw notFound(`file ${id} not found`);
    return found.record;
  }

  private expired(r: FileRecord): boolean {
    return r.expires_at !== null && Date.parse(r.expires_at) <= Date.now();
  }

  async upload(req: RouteRequest): Promise<FileRecord> {
    const form = req.form;
    if (!form) throw invalid("the upload must be multipart/form-data with a `file` part");
    for (const k of form.keys()) if (k !== "file" && k !== "expires_in_seconds") throw invalid(`${k}: unknown field`);
    const file = form.get("file");
    if (file === null || typeof file === "string") throw invalid("file: required, a file part");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const filename = (file as File).name;
    if (!filename) throw invalid("file: the part needs a filename");
    const expiresText = form.get("expires_in_seconds");
    let expiresAt: string | null = null;
    if (expiresText !== null) {
      const seconds = Number(expiresText);
      if (typeof expiresText !== "string" || !Number.isInteger(seconds) || seconds < 3600 || seconds > 2_592_000) {
        throw invalid("expires_in_seconds: must be an integer from 3600 (one hour) to 2592000 (30 days)");
      }
      expiresAt = new Date(Date.now() + seconds * 1000).toISOString();
    }
    const record: FileRecord = {
      id: newId("file"),
      type: "file",
      filename,
      mime_type: file.type ? file.type.split(";")[0]! : "application/octet-stream",
      size_bytes: bytes.byteLength,
      created_at: new Date().toISOString(),
      downloadable: false,
      expires_at: expiresAt,
    };
    this.files.set(record.id, { record, content: Buffer.from(bytes).toString("base64") });
    return record;
  }

  /** A file the platform made (an agent's output): the only kind the API lets one download. */
  produce(filename: string, bytes: Uint8Array, mimeType = "application/octet-stream"): FileRecord {
    const record: FileRecord = {
      id: newId("file"),
      type: "file",
      filename,
      mime_type: mimeType,
      size_bytes: bytes.byteLength,
      created_at: new Date().toISOString(),
      downloadable: true,
      expires_at: null,
    };
    this.files.set(record.id, { record, content: Buffer.from(bytes).toString("base64") });
    return record;
  }

  /** The bytes as uploaded (tests compare). */
  bytesOf(id: string): Buffer | undefined {
    const found = this.files.get(id);
    return found ? Buffer.from(found.content, "base64") : undefined;
  }

  download(id: string): RawResponse {
    const record = this.get(id);
    if (!record.downloadable) throw invalid(`file ${id} is not downloadable: only files the platform created can be downloaded`);
    return new RawResponse(this.bytesOf(id)!, record.mime_type);
  }

  delete(id: string): Json {
    this.get(id);
    this.files.delete(id);
    return { id, type: "file_deleted" };
  }

  list(query: URLSearchParams): { data: FileRecord[]; next_page: string | null } {
    const ids = query.getAll("ids").flatMap((v) => v.split(",")).filter((v) => v !== "");
    const records = [...this.files.values()]
      .map((f) => f.record)
      .filter((r) => !this.expired(r) && (ids.length === 0 || ids.includes(r.id)))
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    return paginate(records, query);
  }

  register(router: Router): void {
    router.add("POST", "/v1/files", (r) => this.upload(r), FILES_BETA);
    router.add("GET", "/v1/files", (r) => this.list(r.query), FILES_BETA);
    router.add("GET", "/v1/files/:id", (r) => this.get(r.params[0]!), FILES_BETA);
    router.add("GET", "/v1/files/:id/content", (r) => this.download(r.params[0]!), FILES_BETA);
    router.add("DELETE", "/v1/files/:id", (r) => this.delete(r.params[0]!), FILES_BETA);
  }

  dump(): unknown {
    return this.files.size === 0 ? undefined : Object.fromEntries(this.files);
  }

  load(data: unknown): void {
    for (const [id, f] of Object.entries(data as Record<string, StoredFile>)) this.files.set(id, f);
  }

  live(): Record<string, string[]> {
    return { files: [...this.files.values()].filter((f) => !this.expired(f.record)).map((f) => f.record.id) };
  }
}
