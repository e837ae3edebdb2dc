import { describe, expect, it } from 'vitest';
import type { Schemas } from '../../../../dashboard/src/api.js';
import {
  contentTemplate,
  personalContact,
  previewBroadcast,
  previewUnsubscribeUrl,
} from '../../../../dashboard/src/broadcast-preview.js';

const contact: Schemas['Contact'] = {
  object: 'contact',
  id: 'ct_1',
  email: 'ada@example.org',
  phone: null,
  first_name: '<Ada>',
  last_name: null,
  properties: { plan: 'pro' },
  unsubscribed: false,
  lists: [],
  created_at: '2026-12-01T00:00:00.000Z',
  updated_at: '2026-12-01T00:00:00.000Z',
};
const url = previewUnsubscribeUrl('http://127.0.0.1:3000/');

describe('a broadcast’s preview with a real contact', () => {
  it('renders as the sender does: contact fields, html escaped, subject verbatim, a missing field empty', () => {
    const preview = previewBroadcast(
      {
        subject: 'Hi {{contact.first_name}}{{contact.last_name}}',
        html: '<p>{{contact.first_name}} {{contact.properties.plan}}</p>',
        text: '{{unsubscribe_url}}',
      },
      undefined,
      {},
      personalContact(contact),
      url,
    );
    expect(preview).toEqual({
      rendered: {
        subject: 'Hi <Ada>',
        html: '<p>&lt;Ada&gt; pro</p>',
        text: 'http://127.0.0.1:3000/u/preview',
      },
      problems: [],
    });
  });

  it('fills a template’s variables from the given values and fallbacks', () => {
    const template = contentTemplate({
      subject: 'News',
      html: null,
      text: '{{intro}} {{contact.email}}',
      variables: [{ key: 'intro', type: 'string', fallback: null }],
    } as unknown as Schemas['Template']);
    const withValue = previewBroadcast({}, template, { intro: 'Hello' }, personalContact(contact), url);
    expect(withValue.rendered).toEqual({ subject: 'News', text: 'Hello ada@example.org' });
    const without = previewBroadcast({}, template, {}, personalContact(contact), url);
    expect(without).toEqual({
      rendered: undefined,
      problems: [expect.objectContaining({ path: 'template.variables.intro' })],
    });
  });

  it('names what the API would refuse, in its words', () => {
    const preview = previewBroadcast(
      { subject: 's', text: '{{plan}}' },
      undefined,
      {},
      personalContact(contact),
      url,
    );
    expect(preview.problems.map((problem) => problem.message)).toEqual([
      'text uses plan, which is neither a template variable, contact.<field>, contact.properties.<name> nor unsubscribe_url.',
    ]);
  });
});
