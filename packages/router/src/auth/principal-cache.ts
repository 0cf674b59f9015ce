/**
 * Callers already checked, per session or API key, so an authenticated request
 * costs no database round trip of its own. It is trusted only while the
 * database's auth notifications reach this process: any revocation, suspension,
 * role or key change anywhere clears it (migration 2026-12-03T04-00), and so
 * does losing the notification connection. Entries also age out after `ttlMs`.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { value: unknown; at: number }>();
  private live = false;
  private generation = 0;

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  get<T>(key: string): T | undefined {
    if (!this.live) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (performance.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  /** Taken before reading the database, handed back to `set`: a read that raced a clear is not cached. */
  snapshot(): number {
    return this.generation;
  }

  set(key: string, value: unknown, generation: number): void {
    if (!this.live || generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, at: performance.now() });
  }

  /** Notifications flow: caching may start. */
  ready(): void {
    this.clear();
    this.live = true;
  }

  /** Something changed access somewhere. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Notifications may have been missed: stop trusting and caching until ready again. */
  lost(): void {
    this.live = false;
    this.clear();
  }
}
