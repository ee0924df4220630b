// What earlier, interrupted runs may have created (recovery.ts): each object kind (and filter) is
// listed once per provider process, the first time a create needs it, and every create of that
// `up` looks its token up in that one listing. Objects this process creates afterwards are known
// to it already.

export class LookupCache {
  private readonly listings = new Map<string, Promise<Map<string, unknown[]>>>();
  private anchor: number | undefined;

  /**
   * When this process's first lookup started (epoch ms, `now` the first time): the recovery
   * window reaches back from there, the same for every listing of the process.
   */
  startedAt(now: number): number {
    this.anchor ??= now;
    return this.anchor;
  }

  /**
   * The objects of listing `key`, grouped by token, as `list` collects them (run once, by the
   * first create that needs it). A failed listing is not kept, so the next create lists again,
   * unless `keep` says the failure would only repeat (a listing that outlasted the deadline):
   * every later create of the process then fails with it at once.
   */
  byToken<T>(key: string, list: () => Promise<Map<string, T[]>>, keep: (error: unknown) => boolean = () => false): Promise<Map<string, T[]>> {
    let listing = this.listings.get(key) as Promise<Map<string, T[]>> | undefined;
    if (listing === undefined) {
      listing = list();
      this.listings.set(key, listing as Promise<Map<string, unknown[]>>);
      listing.catch((error: unknown) => {
        if (!keep(error)) this.listings.delete(key);
      });
    }
    return listing;
  }
}
