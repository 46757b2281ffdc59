// The environment readers live in @calc/config (no dependencies), so transports need not load the HTTP edge.
export * from '@calc/config';
