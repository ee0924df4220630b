// The API (snake_case) shape of an input type, derived at the type level from the camelCase zod
// types so that request bodies are never typed twice, and back (the camelCase shape of an API
// answer). Mirrors `toApiCase` / `fromApiCase` in casing.ts, including their opaque keys, whose
// contents keep the user's own casing.
import { toApiCase, type OpaqueKey } from "./casing";

export type SnakeKey<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Uppercase<Head> ? (Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`) : Head}${SnakeKey<Tail>}`
  : S;

export type CamelKey<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelKey<Tail>>}` : S;



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

/** The camelCase shape of an API (snake_case) type: what `fromApiCase` makes of a value of it. */
export type CamelCased<T> = T extends ReadonlyArray<infer U>
  ? Array<CamelCased<U>>
  : T extends object
    ? { [K in keyof T as K extends string ? CamelKey<K> : K]: K extends OpaqueKey ? T[K] : CamelCased<T[K]> }
    : T;
