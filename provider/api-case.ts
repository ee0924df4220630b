// The API (snake_case) shape of an input type, derived at the type level from the camelCase zod
// types so that request bodies are never typed twice. Mirrors `toApiCase` in casing.ts, including
// its opaque keys, whose contents keep the user's own casing.
import { toApiCase } from "./casing";

export type SnakeKey<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Uppercase<Head> ? (Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`) : Head}${SnakeKey<Tail>}`
  : S;

type OpaqueKey = "metadata" | "inputSchema";

// `undefined` is dropped from optional properties: the builders never send it (JSON has no
// undefined), and the SDK's types, under exactOptionalPropertyTypes, do not admit it.
export type ApiCased<T> = T extends ReadonlyArray<infer U>
  ? Array<ApiCased<U>>
  : T extends object
    ? {
        [K in keyof T as K extends string ? SnakeKey<K> : K]: K extends OpaqueKey
          ? Exclude<T[K], undefined>
          : ApiCased<Exclude<T[K], undefined>>;
      }
    : T;

export function apiCased<T>(value: T): ApiCased<T> {
  return toApiCase(value) as ApiCased<T>;
}
