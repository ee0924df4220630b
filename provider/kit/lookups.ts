// What earlier, interrupted runs may have created: each object kind (and filter) is listed once per
// provider process, the first time a create needs it, and every create of that `up` looks its token
// up in that one listing. Objects this process creates afterwards are known to it already.

export class LookupCache {
  private readonly listings = new Map<string, Promise<Map<string, unknown[]>>>();

  /**
   * The objects of listing `key`, grouped by the token `tokenOf` reads from each. A failed listing
   * is not kept: the next create lists again.
   */
  byToken<T>(key: string, list: () => AsyncIterable<T>, tokenOf: (item: T) => string | undefined): Promise<Map<string, T[]>> {
    let listing = this.listings.get(key) as Promise<Map<string, T[]>> | undefined;
    if (listing === undefined) {
      listing = collect(list(), tokenOf);
      this.listings.set(key, listing as Promise<Map<string, unknown[]>>);
      listing.catch(() => this.listings.delete(key));
    }
    return listing;
  }
}

async function collect<T>(items: AsyncIterable<T>, tokenOf: (item: T) => string | undefined): Promise<Map<string, T[]>> {
  const byToken = new Map<string, T[]>();
  for await (const item of items) {
    const token = tokenOf(item);
    if (token !== undefined) byToken.set(token, [...(byToken.get(token) ?? []), item]);
  }
  return byToken;
}
