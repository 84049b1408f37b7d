/** Marks a pm response so the chai plugin knows its subject without importing the factory (no cycle). */
export const RESPONSE = Symbol('lab.response');
