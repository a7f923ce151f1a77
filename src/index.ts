/**
 * `celeb-lookalike` as a library: the engine's public API plus the SQLite store that
 * training needs. See the README's "Use it from code" section for a runnable example.
 */
export * from './engine/index.js';
export { openDatabase, leaderboard, listRuns, getRun, type Database, type LeaderboardRow, type RunRecord } from './store/index.js';
