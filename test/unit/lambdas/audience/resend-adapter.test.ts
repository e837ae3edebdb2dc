import { describe, expect, it } from 'vitest';
import {
  isEmailRef,
  positions,
  resendContactOf,
  resendSegmentOf,
  segmentIdsOf,
  v1ContactOf,
} from '../../../../lambdas/audience/resend-adapter.js';
import type { ContactJson } from '../../../../lambdas/audience/contracts.js';

const CONTACT: ContactJson = {
  object: 'contact',
  id: 'ct_0VbnqK3m8a2Jx7Qp1Zr5Tt',
  email: 'ada@example.com',
  phone: null,
  first_name: 'Ada',
  last_name: null,
  properties: { plan: 'pro', seats: 3, beta: true },
  unsubscribed: false,
  lists: ['lst_1'],
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-02T00:00:00.000Z',
};

describe('resendContactOf', () => {
  it('answers Resend’s contact: each property with its type, no phone, lists or updated_at', () => {
    expect(resendContactOf(CONTACT)).toEqual({
      object: 'contact',
      id: CONTACT.id,
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: null,
      created_at: '2026-01-01T00:00:00.000Z',
      unsubscribed: false,
      properties: {
        plan: { type: 'string', value: 'pro' },
        seats: { type: 'number', value: 3 },
        beta: { type: 'boolean', value: true },
      },
    });
  });
});

describe('resendSegmentOf', () => {
  it('answers a list as a segment: id, name, created_at', () => {
    expect(
      resendSegmentOf({
        object: 'contact_list',
        id: 'lst_1',
        name: 'News',
        description: null,
        contact_count: 2,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      }),
    ).toEqual({ id: 'lst_1', name: 'News', created_at: '2026-01-01T00:00:00.000Z' });
  });
});

describe('creating a contact', () => {
  const input = {
    email: 'ada@example.com',
    properties: {},
    unsubscribed: false,
    segments: [{ id: 'lst_b' }, { id: 'lst_a' }, { id: 'lst_b' }],
  };

  it('sends /v1 the contact without its segments', () => {
    expect(v1ContactOf(input)).toEqual({ email: 'ada@example.com', properties: {}, unsubscribed: false });
  });

  it('joins each segment once, the audience of a legacy path first', () => {
    expect(segmentIdsOf(input)).toEqual(['lst_b', 'lst_a']);
    expect(segmentIdsOf(input, 'lst_a')).toEqual(['lst_a', 'lst_b']);
    expect(segmentIdsOf({ ...input, segments: undefined })).toEqual([]);
  });
});

describe('paths and positions', () => {
  it('reads a path’s contact as an email when it has an @', () => {
    expect(isEmailRef('ada@example.com')).toBe(true);
    expect(isEmailRef(CONTACT.id)).toBe(false);
  });

  it('pages from the sort key of the id’s own kind only', () => {
    expect(positions.contact(CONTACT.id)).toBe(`CONTACT#${CONTACT.id}`);
    expect(positions.contact('lst_0VbnqK3m8a2Jx7Qp1Zr5Tt')).toBeUndefined();
    expect(positions.list('lst_0VbnqK3m8a2Jx7Qp1Zr5Tt')).toBe('LIST#lst_0VbnqK3m8a2Jx7Qp1Zr5Tt');
    expect(positions.member('lst_1')(CONTACT.id)).toBe(`LIST_MEMBER#lst_1#${CONTACT.id}`);
    expect(positions.member('lst_1')('lst_1')).toBeUndefined();
  });
});
