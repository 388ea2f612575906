// The API's documentation, offline: Swagger UI from the npm package, bundled by the build
// (never from a CDN), and a request interceptor so "Try it out" can send unsafe requests
// with the session cookie: the API wants X-CSRF-Token equal to the tutorcal_csrf cookie.
import SwaggerUI from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';

import { csrfToken } from './api/http';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface SwaggerRequest {
  method?: string;
  headers: Record<string, string>;
}

SwaggerUI({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  requestInterceptor: (request: SwaggerRequest) => {
    const token = csrfToken();
    if (UNSAFE.has((request.method ?? 'GET').toUpperCase()) && token) {
      request.headers['X-CSRF-Token'] = token;
    }
    return request;
  },
});
