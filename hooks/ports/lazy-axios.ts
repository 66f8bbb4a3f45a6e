/**
 * An axios instance created on its first request. Importing axios (with its fetch and form-data adapters) was ≈ 90 ms
 * of the hooks' start (bench row T-hooks), paid before /healthz could answer though no hook had asked for bindcar yet.
 */
import type { AxiosInstance, CreateAxiosDefaults } from 'axios';

export function lazyAxios(config: CreateAxiosDefaults): () => Promise<AxiosInstance> {
  let instance: Promise<AxiosInstance> | undefined;
  return () => (instance ??= import('axios').then((m) => m.default.create(config)));
}
