import { Testing } from 'cdk8s';
import { expectValidIstio } from './support/istio-validate';
import { Destination } from '../src/networking/destination';
import { VirtualService } from '../src/networking/virtual-service';

const mongo = (subsetName: string) => Destination.fromSubset({ host: 'mongo', subsetName });

function synthSpec(chart: ReturnType<typeof Testing.chart>): any {
  const manifests = Testing.synth(chart);
  expectValidIstio(manifests);
  return manifests.find(m => m.kind === 'VirtualService').spec;
}

describe('TCP routes', () => {
  test('every match condition, weighted destinations, and matches added later', () => {
    // GIVEN
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'mongo', {
      metadata: { name: 'mongo', namespace: 'db' },
      hosts: ['mongo'],
      gateways: [{ gatewayName: 'mesh' }, { gatewayName: 'tcp-gateway', gatewayNamespace: 'istio-system' }],
    });

    // WHEN
    const route = vs.addTcpRoute({
      match: [{
        destinationSubnets: ['10.0.0.0/16', '2001:db8::/32', '10.1.2.3'],
        port: 27017,
        sourceLabels: { app: 'reviews', version: 'v2' },
        sourceNamespace: 'bookinfo',
        gateways: [{ gatewayName: 'mesh' }],
      }],
      route: [
        { destination: mongo('v1'), weight: 80 },
        { destination: Destination.fromHost('mongo-canary.db.svc.cluster.local', { port: 27017 }), weight: 20 },
      ],
    });
    route.addMatch({ port: 27018 });
    vs.addTcpRoute({ route: [{ destination: mongo('v1') }] });

    // THEN
    expect(synthSpec(chart).tcp).toEqual([
      {
        match: [
          {
            destinationSubnets: ['10.0.0.0/16', '2001:db8::/32', '10.1.2.3'],
            port: 27017,
            sourceLabels: { app: 'reviews', version: 'v2' },
            sourceNamespace: 'bookinfo',
            gateways: ['mesh'],
          },
          { port: 27018 },
        ],
        route: [
          { destination: { host: 'mongo', subset: 'v1' }, weight: 80 },
          { destination: { host: 'mongo-canary.db.svc.cluster.local', port: { number: 27017 } }, weight: 20 },
        ],
      },
      { route: [{ destination: { host: 'mongo', subset: 'v1' } }] },
    ]);
  });

  test('fails on invalid TCP matches and weights', () => {
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'mongo', { hosts: ['mongo'] });
    const route = [{ destination: mongo('v1') }];
    expect(() => vs.addTcpRoute({ match: [{ destinationSubnets: ['10.0.0.0/33'] }], route }))
      .toThrow(/test\/mongo: tcp\[0\]\.match\[0\]\.destinationSubnets\[0\] "10\.0\.0\.0\/33" is invalid: must be an IPv4\/IPv6 address or CIDR block/);
    expect(() => vs.addTcpRoute({ match: [{ port: 0 }], route })).toThrow(/test\/mongo: tcp\[0\]\.match\[0\]\.port 0 is invalid/);
    expect(() => vs.addTcpRoute({ match: [{ sourceLabels: { 'bad key!': 'x' } }], route })).toThrow(/tcp\[0\]\.match\[0\]\.sourceLabels key "bad key!" is invalid/);
    expect(() => vs.addTcpRoute({ match: [{ sourceNamespace: 'Bad' }], route })).toThrow(/tcp\[0\]\.match\[0\]\.sourceNamespace "Bad" is invalid/);
    expect(() => vs.addTcpRoute({ match: [{}], route })).toThrow(/test\/mongo: tcp\[0\]\.match\[0\] needs at least one condition/);
    expect(() => vs.addTcpRoute({ match: [{ gateways: [{ gatewayName: 'Bad' }] }], route })).toThrow(/tcp\[0\]\.match\[0\]\.gateways\[0\] name "Bad" is invalid/);
    expect(() => vs.addTcpRoute({ route: [{ destination: mongo('v1'), weight: 0 }, { destination: mongo('v2'), weight: 0 }] }))
      .toThrow(/test\/mongo: tcp\[0\]\.route weights \[0,0\] is invalid: a route with several destinations needs a positive total weight/);
    expect(() => vs.addTcpRoute({ match: [{ destinationSubnets: ['10.0.0.0/08'] }], route })).toThrow(/destinationSubnets\[0\] "10\.0\.0\.0\/08" is invalid/);
    expect(() => vs.addTcpRoute({ match: [{ destinationSubnets: ['2001:db8::/064'] }], route })).toThrow(/destinationSubnets\[0\] "2001:db8::\/064" is invalid/);
    expect(() => vs.addTcpRoute({ route: [] })).toThrow(/tcp\[0\]\.route \[\] is invalid: must list at least one destination/);
    expect(() => vs.addTcpRoute({ match: [{ sourceLabels: { app: 'reviews' }, gateways: [{ gatewayName: 'tcp-gateway' }] }], route }))
      .toThrow(/test\/mongo: tcp\[0\]\.match\[0\]\.sourceLabels .* is invalid: sourceLabels select calling sidecars and have no effect on gateway traffic/);
  });
});

describe('TLS routes', () => {
  test('every match condition and weighted destinations', () => {
    // GIVEN
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'bookinfo-tls', {
      metadata: { name: 'bookinfo-tls' },
      hosts: ['*.bookinfo.com', 'login.example.com'],
      gateways: [{ gatewayName: 'mesh' }, { gatewayName: 'passthrough-gateway', gatewayNamespace: 'istio-system' }],
    });

    // WHEN
    const route = vs.addTlsRoute({
      match: [{
        sniHosts: ['login.bookinfo.com', '*.bookinfo.com'],
        destinationSubnets: ['192.168.0.0/24'],
        port: 443,
        sourceLabels: { app: 'frontend' },
        sourceNamespace: 'web',
        gateways: [{ gatewayName: 'mesh' }],
      }],
      route: [
        { destination: Destination.fromHost('login.bookinfo.svc.cluster.local', { port: 8443 }), weight: 50 },
        { destination: Destination.fromSubset({ host: 'login.bookinfo.svc.cluster.local', subsetName: 'v2' }, { port: 8443 }), weight: 50 },
      ],
    });
    route.addMatch({ sniHosts: ['login.example.com'] });

    // THEN
    expect(synthSpec(chart).tls).toEqual([{
      match: [
        {
          sniHosts: ['login.bookinfo.com', '*.bookinfo.com'],
          destinationSubnets: ['192.168.0.0/24'],
          port: 443,
          sourceLabels: { app: 'frontend' },
          sourceNamespace: 'web',
          gateways: ['mesh'],
        },
        { sniHosts: ['login.example.com'] },
      ],
      route: [
        { destination: { host: 'login.bookinfo.svc.cluster.local', port: { number: 8443 } }, weight: 50 },
        { destination: { host: 'login.bookinfo.svc.cluster.local', subset: 'v2', port: { number: 8443 } }, weight: 50 },
      ],
    }]);
  });

  test('fails on TLS routes without matches or SNI hosts, and on SNI hosts outside the VirtualService hosts', () => {
    const chart = Testing.chart();
    const vs = new VirtualService(chart, 'tls', { hosts: ['*.bookinfo.com'], gateways: [{ gatewayName: 'gw' }] });
    const route = [{ destination: Destination.fromHost('login.bookinfo.com') }];
    expect(() => vs.addTlsRoute({ match: [], route })).toThrow(/test\/tls: tls\[0\]\.match \[\] is invalid: a TLS route needs at least one match with sniHosts/);
    expect(() => vs.addTlsRoute({ match: [{ sniHosts: [] }], route })).toThrow(/test\/tls: tls\[0\]\.match\[0\]\.sniHosts \[\] is invalid: a TLS match needs at least one SNI host/);
    expect(() => vs.addTlsRoute({ match: [{ sniHosts: ['login.example.com'] }], route }))
      .toThrow(/test\/tls: tls\[0\]\.match\[0\]\.sniHosts\[0\] "login\.example\.com" is invalid: must be one of the VirtualService's hosts or fall under one of them \(\*\.bookinfo\.com\)/);
    expect(() => vs.addTlsRoute({ match: [{ sniHosts: ['login.*.com'] }], route })).toThrow(/tls\[0\]\.match\[0\]\.sniHosts\[0\] "login\.\*\.com" is invalid/);
    expect(() => vs.addTlsRoute({ match: [{ sniHosts: ['a.bookinfo.com'], port: 70000 }], route })).toThrow(/tls\[0\]\.match\[0\]\.port 70000 is invalid/);
    expect(() => vs.addTlsRoute({ match: [{ sniHosts: ['a.bookinfo.com'] }], route: [{ destination: Destination.fromHost('a.bookinfo.com'), weight: -1 }] }))
      .toThrow(/tls\[0\]\.route\[0\]\.weight -1 is invalid/);
    const added = vs.addTlsRoute({ match: [{ sniHosts: ['a.bookinfo.com'] }], route });
    expect(() => added.addMatch({ sniHosts: ['b.example.com'] })).toThrow(/test\/tls: tls\[0\]\.match\[1\]\.sniHosts\[0\] "b\.example\.com" is invalid/);
  });
});
