/** The named test harness lives with the local stack, which runs named the same way; see local/named.ts. */
export * from '../../local/named.js';
