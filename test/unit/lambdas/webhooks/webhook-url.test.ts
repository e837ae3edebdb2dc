import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_URL_LENGTH, checkWebhookUrl } from '../../../../lambdas/webhooks/webhook-url.js';

const deployed = { requireHttps: true, allowLoopback: false };
const local = { requireHttps: false, allowLoopback: true };

describe('checkWebhookUrl, deployed', () => {
  it.each([
    ['https://hooks.example.com/scopegate', 'https://hooks.example.com/scopegate'],
    ['https://hooks.example.com:8443/in?token=abc', 'https://hooks.example.com:8443/in?token=abc'],
    ['https://HOOKS.Example.com/', 'https://hooks.example.com/'],
    ['https://hooks.example.com./', 'https://hooks.example.com./'],
    ['https://hooks.example.com:443/', 'https://hooks.example.com/'],
    ['https://hooks.example.com:65535/', 'https://hooks.example.com:65535/'],
    ['https://8.8.8.8/', 'https://8.8.8.8/'],
    ['https://[2606:4700:4700::1111]/', 'https://[2606:4700:4700::1111]/'],
    // A name that merely looks internal passes here; the delivery refuses it after DNS.
    ['https://127.0.0.1.nip.io/', 'https://127.0.0.1.nip.io/'],
  ])('accepts %s', (raw, normalised) => {
    expect(checkWebhookUrl(raw, deployed)).toEqual({ ok: true, url: normalised });
  });

  it.each([
    ['http://hooks.example.com/', 'must use https'],
    ['ftp://hooks.example.com/', 'must use https'],
    ['javascript:alert(1)', 'must use https'],
    ['hooks.example.com/path', 'must be an absolute URL'],
    ['https://', 'must be an absolute URL'],
    ['', 'must be an absolute URL'],
    ['https://user:pass@hooks.example.com/', 'must not contain credentials'],
    ['https://user@hooks.example.com/', 'must not contain credentials'],
    ['https://:pass@hooks.example.com/', 'must not contain credentials'],
    ['https://hooks.example.com/#fragment', 'must not contain a fragment'],
    ['https://hooks.example.com/#', 'must not contain a fragment'],
    ['https://hooks.example.com:0/', 'must have a port between 1 and 65535'],
    ['https://hooks.example.com:65536/', 'must be an absolute URL'],
    [' https://hooks.example.com/', 'must not contain spaces or control characters'],
    ['https://hooks.example.com/\n', 'must not contain spaces or control characters'],
    ['https://hooks.exa\tmple.com/', 'must not contain spaces or control characters'],
    ['https://localhost/', 'must not point to a loopback address'],
    ['https://LOCALHOST./', 'must not point to a loopback address'],
    ['https://api.localhost/', 'must not point to a loopback address'],
    ['https://metadata/', 'must have a fully qualified host name'],
    ['https://127.0.0.1/', 'must not point to a loopback address'],
    ['https://[::1]/', 'must not point to a loopback address'],
    ['https://10.0.0.1/', 'must not point to a private address'],
    ['https://192.168.0.10:8443/', 'must not point to a private address'],
    ['https://169.254.169.254/latest/meta-data/', 'must not point to a link-local address'],
    ['https://[fe80::1]/', 'must not point to a link-local address'],
    ['https://[fd00:ec2::254]/', 'must not point to a unique-local address'],
    ['https://100.64.0.1/', 'must not point to a shared address space (CGNAT) address'],
    ['https://0.0.0.0/', 'must not point to an unspecified address'],
    ['https://[::]/', 'must not point to an unspecified address'],
    ['https://224.0.0.1/', 'must not point to a multicast address'],
    ['https://255.255.255.255/', 'must not point to a limited broadcast address'],
    ['https://192.0.2.1/', 'must not point to a documentation address'],
    ['https://[2001:db8::1]/', 'must not point to a documentation address'],
    ['https://[::ffff:10.0.0.1]/', 'must not point to an IPv4-mapped IPv6 address'],
    ['https://[::ffff:127.0.0.1]/', 'must not point to an IPv4-mapped IPv6 address'],
    ['https://[64:ff9b::10.0.0.1]/', 'must not point to a private address'],
    ['https://[2002:a00:1::1]/', 'must not point to a 6to4 address'],
    // Integer, hex and octal IPv4 hosts: the WHATWG URL parser turns them into 127.0.0.1 first.
    ['http://2130706433/', 'must use https'],
    ['https://2130706433/', 'must not point to a loopback address'],
    ['https://0x7f.1/', 'must not point to a loopback address'],
    ['https://017700000001/', 'must not point to a loopback address'],
    ['https://0177.0.0.1/', 'must not point to a loopback address'],
    ['https://127.1/', 'must not point to a loopback address'],
    ['https://0x7f.0x0.0x0.0x1/', 'must not point to a loopback address'],
    ['https://%31%32%37.0.0.1/', 'must not point to a loopback address'],
    ['https://0xa9fea9fe/', 'must not point to a link-local address'],
    ['https://2852039166/', 'must not point to a link-local address'], // 169.254.169.254
    ['https://012.0.0.1/', 'must not point to a private address'], // octal 10.0.0.1
  ])('refuses %s: url %s', (raw, reason) => {
    expect(checkWebhookUrl(raw, deployed)).toEqual({ ok: false, reason });
  });

  it('refuses a URL longer than the limit', () => {
    const long = `https://hooks.example.com/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}`;
    expect(checkWebhookUrl(long, deployed)).toEqual({ ok: false, reason: 'must be at most 2048 characters' });
  });

  it('relies on the URL parser rewriting numeric hosts to dotted quads', () => {
    expect(new URL('http://2130706433/').hostname).toBe('127.0.0.1');
    expect(new URL('http://0x7f.1/').hostname).toBe('127.0.0.1');
    expect(new URL('http://017700000001/').hostname).toBe('127.0.0.1');
  });
});

describe('checkWebhookUrl, local stack', () => {
  it.each([
    'http://127.0.0.1:3000/hooks',
    'http://localhost:3000/hooks',
    'http://[::1]:3000/hooks',
    'https://localhost:3000/hooks',
    'http://hooks.example.com/',
  ])('accepts %s', (raw) => {
    expect(checkWebhookUrl(raw, local).ok).toBe(true);
  });

  it.each([
    ['http://10.0.0.1:3000/', 'must not point to a private address'],
    ['http://169.254.169.254/', 'must not point to a link-local address'],
    ['http://0.0.0.0:3000/', 'must not point to an unspecified address'],
    ['ftp://localhost/', 'must use http or https'],
    ['http://u:p@localhost:3000/', 'must not contain credentials'],
  ])('still refuses %s: url %s', (raw, reason) => {
    expect(checkWebhookUrl(raw, local)).toEqual({ ok: false, reason });
  });
});
