/** The named test harness lives with the local stack, which runs named the same way; see cli/local/named.ts. */
export * from '../../cli/local/named.js';
