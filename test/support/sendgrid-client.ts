/**
 * SendGrid's own Node SDK pointed at a local stack, as a team moving over would point it at a deployed
 * one: `sgMail.setApiKey(key); sgMail.client.setDefaultRequest('baseUrl', ApiUrl + 'sendgrid')`. A
 * fresh MailService each time (the package's default export is one shared instance). The SDK sends the
 * key as `Authorization: Bearer <key>` (it warns on the console that it does not start with `SG.`),
 * the body its Mail class builds, and resolves `[response, body]`; an answer of 400 or more rejects
 * with a ResponseError whose `response.body` is the parsed body (`{ errors: [...] }`).
 */
import { MailService } from '@sendgrid/mail';

export function sendgridClient(stackUrl: string, key: string): MailService {
  const mail = new MailService();
  mail.setApiKey(key);
  // The two lines a migration changes; the package's typings do not declare `client`, which it has.
  const { client } = mail as unknown as { client: { setDefaultRequest(name: string, value: string): void } };
  client.setDefaultRequest('baseUrl', `${stackUrl.replace(/\/+$/, '')}/sendgrid`);
  return mail;
}
