/** Absolute path of `../shared/data/<rel>` (or `$ECAMP_SHARED_DATA/<rel>`), or null when absent. */
export declare function sharedDataPath(rel?: string): string | null;
/** Prints why a test that needs shared data is skipped; returns true when it must skip. */
export declare function skipWithoutSharedData(rel: string, what: string): boolean;
