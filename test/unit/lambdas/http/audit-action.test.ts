import { describe, expect, it } from 'vitest';
import { auditAction, isAudited } from '../../../../lambdas/http/audit-action.js';
import { ROUTES, type Route } from '../../../../lambdas/api/routes.js';

const routes: readonly Route[] = ROUTES;

describe('audit actions, derived from the route table', () => {
  it.each([
    ['sendEmail', '/v1/emails', 'email.send'],
    ['sendEmailBatch', '/v1/emails/batch', 'email.send_batch'],
    ['createDomain', '/v1/domains', 'domain.create'],
    ['deleteDomain', '/v1/domains/{id}', 'domain.delete'],
    ['verifyDomain', '/v1/domains/{id}/verify', 'domain.verify'],
    ['updateTemplate', '/v1/templates/{id}', 'template.update'],
    ['rotateWebhookSecret', '/v1/webhooks/{id}/rotate-secret', 'webhook.rotate_secret'],
    ['testWebhook', '/v1/webhooks/{id}/test', 'webhook.test'],
    // Rows other services add name themselves the same way.
    ['createApiKey', '/v1/api-keys', 'api_key.create'],
    ['rotateApiKey', '/v1/api-keys/{id}/rotate', 'api_key.rotate'],
    ['sendSms', '/v1/sms', 'sms.send'],
    ['sendWhatsapp', '/v1/whatsapp', 'whatsapp.send'],
    ['addListContact', '/v1/lists/{id}/contacts/{contact_id}', 'list.add_contact'],
    ['deleteSegment', '/v1/segments/{id}', 'segment.delete'],
    ['updateBillingLimits', '/v1/billing/limits', 'billing.update_limits'],
  ])('%s %s → %s', (id, path, action) => {
    expect(auditAction({ id, method: 'POST', path })).toBe(action);
  });

  it('audits every route that is not a GET, and no GET', () => {
    for (const route of routes) expect(isAudited(route)).toBe(route.method !== 'GET');
    expect(routes.filter(isAudited).length).toBeGreaterThan(0);
  });

  it('gives every audited /v1 route of the table its own `<resource>.<verb>` action', () => {
    const actions = routes.filter((route) => route.surface === 'v1' && isAudited(route)).map(auditAction);
    for (const action of actions) expect(action).toMatch(/^[a-z][a-z_]*\.[a-z][a-z_]*$/);
    expect(new Set(actions).size).toBe(actions.length);
  });

  it.each(routes.filter((route) => route.surface !== 'v1').map((route) => [route.id, route] as const))(
    '%s records the action of the /v1 route it stands for',
    (_id, route) => {
      const v1 = routes.find((row) => row.id === route.standsFor);
      expect(v1).toBeDefined();
      expect(auditAction(route)).toBe(auditAction(v1 ?? route));
    },
  );

  it('records POST /resend/emails as email.send', () => {
    expect(
      auditAction({ id: 'resendSendEmail', method: 'POST', path: '/resend/emails', standsFor: 'sendEmail' }),
    ).toBe('email.send');
  });
});
