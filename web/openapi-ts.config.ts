import { defineConfig } from '@hey-api/openapi-ts';

// The API's own OpenAPI document, written by `tutorcal openapi` (the Makefile does it):
// the client is generated at build time and never committed.
export default defineConfig({
  input: 'openapi.json',
  output: { path: 'src/client' },
  plugins: [
    // Same origin as the API: no base URL (else the input's path would become one).
    { name: '@hey-api/client-fetch', baseUrl: false },
    '@hey-api/typescript',
    '@hey-api/sdk',
  ],
});
