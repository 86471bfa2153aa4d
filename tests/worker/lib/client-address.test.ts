import { describe, expect, it } from 'vitest';
import { clientNetwork } from '../../../worker/src/lib/client-address';

describe('clientNetwork: what stands for one client', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientNetwork('192.0.2.7')).toBe('192.0.2.7');
    expect(clientNetwork(' 192.0.2.7 ')).toBe('192.0.2.7');
  });

  it('cuts an IPv6 address to its /64, however it is written', () => {
    const network = '2001:db8:1:2::/64';
    for (const ip of ['2001:db8:1:2::1', '2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:db8:1:2:ffff::', '2001:db8:1:2::1%eth0']) {
      expect(clientNetwork(ip), ip).toBe(network);
    }
    expect(clientNetwork('2001:db8:1:3::1')).not.toBe(network);
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(clientNetwork('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('keeps anything else as written (only possible outside Cloudflare)', () => {
    expect(clientNetwork('Not-An-IP')).toBe('not-an-ip');
  });
});
