import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The security headers of every page the platform serves: its own apps and the payment
 * sandbox's hosted pages alike. HSTS and upgrading requests only when served over TLS.
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  const https = publicUrl.startsWith('https:');
  return helmet({
    strictTransportSecurity: https,
    contentSecurityPolicy: {
      directives: {
        'upgrade-insecure-requests': https ? [] : null,
        // Vant and Element Plus set inline styles; no inline scripts are ever needed.
        'style-src': ["'self'", "'unsafe-inline'"],
        // blob: is a chosen photo's preview in the uploader, before it has been sent.
        'img-src': ["'self'", 'data:', 'blob:'],
        'form-action': ["'self'", 'http:', 'https:'],
      },
    },
  });
}
