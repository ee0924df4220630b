// Compile-time assertions shared by the conformance tests.
export type Assert<T extends true> = T;
export type Extends<A, B> = [A] extends [B] ? true : false;
/**
 * Our response schemas are loose (they admit fields we do not know yet), which gives their types
 * index signatures; the SDK's interfaces have none. Compare the known fields only.
 */
export type KnownFields<T> = T extends ReadonlyArray<infer U>
  ? Array<KnownFields<U>>
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: KnownFields<T[K]> }
    : T;
