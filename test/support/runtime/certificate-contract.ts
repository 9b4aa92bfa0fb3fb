import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { buildConfigModel } from '../../../src/config/build-model.ts';
import { certificatePath, servingPem } from '../../../src/config/certificates.ts';
import type { CertificateFile, ConfigModel, CrtListEntry } from '../../../src/config/model.ts';
import { fitsCliBuffer } from '../../../src/plan/cli-requests.ts';
import { runCliSession } from '../../../src/haproxy/runtime-api/cli-session.ts';
import { setSslCertRequest } from '../../../src/plan/cli-requests.ts';
import type { CertificateCommand, RuntimeCommand } from '../../../src/plan/commands.ts';
import { CRT_LIST_FILE } from '../../../src/config/crt-list.ts';
import { byName, compareText } from '../../../src/domain/compare.ts';
import { backendName } from '../../../src/domain/names.ts';
import { planUpdate } from '../../../src/plan/plan.ts';
import { lineNumbersAfter, loadedLineNumbers, type CrtLineNumbers } from '../../../src/plan/crt-line-numbers.ts';
import { createRuntimeClient, type ApplyResult, type RuntimeClient } from '../../../src/haproxy/runtime-api/runtime-client.ts';
import { makeCA, makeLeaf, type Issued } from '../certs.ts';
import { route, routeTls } from '../fixtures.ts';
import type { RuntimeTarget, TargetKind } from './contract.ts';
import { fingerprintOf, servedCertificate, type Served } from './tls-handshake.ts';

/** The route whose certificate comes and goes, and one whose certificate stays throughout. */
const HOST = 'secure.example.com';
const STEADY_HOST = 'steady.example.com';
/** A route whose certificate is its own, so its line offers h2: `[alpn h2,http/1.1]`, options of the line's own. */
const H2_HOST = 'h2.example.com';
/** Hosts served by one certificate file, several lines of the crt-list: loaded on the first two. */
const SHARED_A = 'a.shared.example.com';
const SHARED_B = 'b.shared.example.com';
const SHARED_C = 'c.shared.example.com';
const SHARED_HOSTS = [SHARED_A, SHARED_B, SHARED_C];
/** The CN of the default certificate the targets serve (see haproxy-target.ts). */
const DEFAULT_CN = 'localhost';

/** What a served certificate is, in the words of the assertions. */
type Seen = 'v1' | 'v2' | 'steady' | 'shared' | 'default' | `other: ${string}`;

/**
 * The certificate behaviour the router relies on, run against every
 * target: each scenario plans a route certificate change with planUpdate,
 * applies it with the runtime client, reads the crt-list back with
 * `show ssl crt-list`, and, on targets with a data plane, checks which
 * certificate a TLS handshake for the route's SNI gets.
 */
export function certificateContract(name: string, kind: TargetKind): void {
  describe(`certificate runtime API contract: ${name}`, () => {
    let target: RuntimeTarget;
    let client: RuntimeClient;
    let applied: ConfigModel;
    let loadedPid: number;
    let certs: { v1: Issued; v2: Issued; steady: Issued; shared: Issued };
    /** H2_HOST's certificate in the applied model, once a scenario has added it: the scenarios after it keep it. */
    let h2Now: 'v1' | 'v2' | 'none' = 'none';
    /** The numbers the worker gave its crt-list lines, as the router keeps them. */
    let numbers: CrtLineNumbers;

    /**
     * A route certificate file and its crt-list line, named without a `:`, which `del ssl crt-list` cannot take (the colon scenario below).
     * Lines have no options unless `alpn`: the planner deletes only those live (the scenarios with H2_HOST).
     */
    function serving(label: string, host: string, c: Issued, alpn = false): { file: CertificateFile; entry: CrtListEntry } {
      const file = { name: `cert-contract_${label}.pem`, pem: servingPem({ certificate: c.chain, key: c.key, caCertificate: '' }) };
      return { file, entry: { certFile: certificatePath(target.settings.certDir, file), sni: host, alpn } };
    }

    /**
     * The edge routes, `secure` serving `version` of its certificate (or none, the default one), the `shared` hosts one certificate,
     * and H2_HOST `h2` of its own certificate on a line with options.
     */
    function modelOf(version: 'v1' | 'v2' | undefined, shared = SHARED_HOSTS.slice(0, 2), h2 = h2Now): ConfigModel {
      const routes = [route({ name: 'secure', host: HOST, tls: routeTls('edge') }), route({ name: 'steady', host: STEADY_HOST, tls: routeTls('edge') })];
      const base = buildConfigModel({ routes, slices: [], settings: target.settings, allowAddress: () => true, defaultCertificate: target.defaultCertificate });
      const served = [
        serving('steady', STEADY_HOST, certs.steady),
        ...shared.map((host) => serving('shared', host, certs.shared)),
        ...(version ? [serving(version, HOST, certs[version])] : []),
        ...(h2 !== 'none' ? [serving(`h2-${h2}`, H2_HOST, certs[h2], true)] : []),
      ];
      return {
        ...base,
        crtList: served.map((s) => s.entry).sort((a, b) => compareText(a.sni, b.sni)),
        certificates: [...new Map(served.map((s) => [s.file.name, s.file])).values()].sort(byName),
      };
    }

    /** Applies commands as the router does, keeping the crt-list's line numbers when they all succeed. */
    async function apply(commands: RuntimeCommand[]): Promise<ApplyResult> {
      const result = await client.apply(commands);
      if (result.failed.length === 0) numbers = lineNumbersAfter(numbers, commands);
      return result;
    }

    const entryOf = (model: ConfigModel, host = HOST): CrtListEntry | undefined => model.crtList.find((e) => e.sni === host);

    /** Plans the move to `version`, which must need no reload. */
    function planTo(version: 'v1' | 'v2' | undefined, shared?: string[]): { next: ConfigModel; commands: RuntimeCommand[] } {
      const next = modelOf(version, shared);
      const plan = planUpdate(applied, next, numbers);
      if (plan.kind !== 'runtime') throw new Error(`expected a runtime plan, got ${JSON.stringify(plan)}`);
      return { next, commands: plan.commands };
    }

    /** Handshakes for `host` from `clients` loops at once until `stop`, each offering ALPN as browsers do; what each got. */
    function handshakeStream(host: string, clients: number): { stop: () => Promise<Seen[]> } {
      let running = true;
      const during: Seen[] = [];
      const loops = Array.from({ length: kind.dataPlane ? clients : 0 }, async () => {
        while (running) during.push(await seen(host));
      });
      return {
        async stop() {
          running = false;
          await Promise.all(loops);
          return during;
        },
      };
    }

    async function seen(host = HOST): Promise<Seen> {
      const served: Served = await servedCertificate(target.settings.httpsPort, host);
      if ('error' in served) return `other: ${served.error}`;
      const known: [Seen, string][] = [
        ['v1', fingerprintOf(certs.v1.cert)],
        ['v2', fingerprintOf(certs.v2.cert)],
        ['steady', fingerprintOf(certs.steady.cert)],
        ['shared', fingerprintOf(certs.shared.cert)],
      ];
      const match = known.find(([, fp]) => fp === served.fingerprint256);
      if (match) return match[0];
      return served.cn === DEFAULT_CN ? 'default' : `other: ${served.cn}`;
    }

    /** The crt-list as the worker holds it: certificate file and SNI of each entry, line by line (a line may have several SNIs). */
    async function crtList(): Promise<{ certFile: string; sni: string }[]> {
      const session = { idleTimeoutMs: 5000, windowBytes: 8192, bufSize: target.settings.bufSize };
      const [reply = ''] = await runCliSession(target.settings.adminSocketPath, [{ line: `show ssl crt-list ${CRT_LIST_FILE}` }], session);
      const [header, ...lines] = reply.split('\n');
      expect(header).toBe(`# ${CRT_LIST_FILE}`);
      return lines.flatMap((l) => {
        const certFile = l.split(' ')[0] ?? '';
        const rest = l.slice(certFile.length);
        const filters = rest.includes(']') ? rest.slice(rest.lastIndexOf(']') + 1) : rest;
        return filters.split(' ').filter((sni) => sni !== '').map((sni) => ({ certFile, sni }));
      });
    }

    const replies = (result: ApplyResult) => result.results.map((r) => [r.command.kind, r.status, r.reply]);

    beforeAll(async () => {
      const ca = makeCA('contract-ca');
      certs = {
        v1: makeLeaf(ca, { dnsNames: [HOST] }),
        v2: makeLeaf(ca, { dnsNames: [HOST] }),
        steady: makeLeaf(ca, { dnsNames: [STEADY_HOST] }),
        shared: makeLeaf(ca, { dnsNames: SHARED_HOSTS }),
      };
      target = await kind.start();
      applied = modelOf(undefined);
      await target.load(applied);
      numbers = loadedLineNumbers(applied.crtList);
      client = createRuntimeClient(target.settings.adminSocketPath, { bufSize: target.settings.bufSize });
      loadedPid = await target.workerPid();
    });

    afterAll(async () => {
      await target?.stop();
    });

    test('the loaded crt-list is known to the runtime API by the name the planner uses', async () => {
      expect(await crtList()).toEqual(applied.crtList.map((e) => ({ certFile: e.certFile, sni: e.sni })));
    });

    test('a certificate for a new SNI is added and served', async () => {
      if (kind.dataPlane) expect(await seen()).toBe('default');
      const { next, commands } = planTo('v1');
      const file = entryOf(next)?.certFile ?? '';
      const result = await apply(commands);
      expect(replies(result)).toEqual([
        ['new-ssl-cert', 'ok', `New empty certificate store '${file}'!`],
        ['set-ssl-cert', 'ok', `Transaction created for certificate ${file}!`],
        ['commit-ssl-cert', 'ok', `Committing ${file}\nSuccess!`],
        ['add-crt-list', 'ok', `Inserting certificate '${file}' in crt-list '${CRT_LIST_FILE}'.\nSuccess!`],
      ]);
      applied = next;
      expect(await crtList()).toContainEqual({ certFile: file, sni: HOST });
      if (kind.dataPlane) expect(await seen()).toBe('v1');
    });

    test('a rotated certificate replaces the old one, and every handshake in between gets one of the two', async () => {
      const oldFile = entryOf(applied)?.certFile ?? '';
      const { next, commands } = planTo('v2');
      const newFile = entryOf(next)?.certFile ?? '';
      expect(newFile).not.toBe(oldFile);
      // One command at a time, with a handshake after each: haproxy runs each atomically, so these are all the states a client can meet.
      const during: Seen[] = [];
      const results: ApplyResult[] = [];
      for (const c of commands) {
        results.push(await apply([c]));
        if (kind.dataPlane) during.push(await seen());
      }
      expect(results.flatMap(replies)).toEqual([
        ['new-ssl-cert', 'ok', `New empty certificate store '${newFile}'!`],
        ['set-ssl-cert', 'ok', `Transaction created for certificate ${newFile}!`],
        ['commit-ssl-cert', 'ok', `Committing ${newFile}\nSuccess!`],
        ['add-crt-list', 'ok', `Inserting certificate '${newFile}' in crt-list '${CRT_LIST_FILE}'.\nSuccess!`],
        ['del-crt-list', 'ok', `Entry '${oldFile}' deleted in crtlist '${CRT_LIST_FILE}'!`],
        ['del-ssl-cert', 'ok', `Certificate '${oldFile}' deleted!`],
      ]);
      applied = next;
      // While both lines exist the older one answers; the new one from the moment the old line goes.
      if (kind.dataPlane) expect(during).toEqual(['v1', 'v1', 'v1', 'v1', 'v2', 'v2']);
      const lines = await crtList();
      expect(lines).toContainEqual({ certFile: newFile, sni: HOST });
      expect(lines.map((l) => l.certFile)).not.toContain(oldFile);
    });

    test('rotations under a stream of handshakes: every handshake gets the old or the new certificate', async () => {
      let rotating = true;
      const during: Seen[] = [];
      const handshakes = kind.dataPlane
        ? (async () => {
            while (rotating) during.push(await seen());
          })()
        : Promise.resolve();
      for (const version of ['v1', 'v2', 'v1', 'v2', 'v1', 'v2', 'v1', 'v2'] as const) {
        const { next, commands } = planTo(version);
        const result = await apply(commands);
        expect(result.failed).toEqual([]);
        applied = next;
      }
      rotating = false;
      await handshakes;
      expect(during.filter((x) => x !== 'v1' && x !== 'v2')).toEqual([]);
      if (kind.dataPlane) expect(await seen()).toBe('v2');
    });

    test('many rotations under handshakes from several clients: the worker survives, every handshake gets the old or the new certificate', async () => {
      const stream = handshakeStream(HOST, 3);
      for (let i = 0; i < 40; i++) {
        const { next, commands } = planTo(i % 2 === 0 ? 'v1' : 'v2');
        const result = await apply(commands);
        expect(result.failed).toEqual([]);
        applied = next;
      }
      const during = await stream.stop();
      expect(during.filter((x) => x !== 'v1' && x !== 'v2')).toEqual([]);
      if (kind.dataPlane) expect(await seen()).toBe('v2');
      expect(await target.workerPid()).toBe(loadedPid);
    });

    test('a line with options goes in live, and leaves only by a reload, which many rotations under handshakes never crash into', async () => {
      const secure = entryOf(applied)?.certFile.includes('_v1') ? 'v1' : 'v2';
      const to = (h2: 'v1' | 'v2' | 'none') => {
        const next = modelOf(secure, SHARED_HOSTS.slice(0, 2), h2);
        return { next, plan: planUpdate(applied, next, numbers) };
      };
      const added = to('v1');
      if (added.plan.kind !== 'runtime') throw new Error(`expected a runtime plan, got ${JSON.stringify(added.plan)}`);
      expect((await apply(added.plan.commands)).failed).toEqual([]);
      applied = added.next;
      h2Now = 'v1';
      if (kind.dataPlane) expect(await seen(H2_HOST)).toBe('v1');
      // haproxy 2.6 frees a deleted line's options under a handshake that may still read them: each plan that would, run live, risks the worker.
      const stream = handshakeStream(H2_HOST, 4);
      const reasons = new Set<string>();
      for (let i = 0; i < 600; i++) {
        const { next, plan } = to(i % 2 === 0 ? 'v2' : 'v1');
        if (plan.kind === 'reload') {
          for (const r of plan.reasons) reasons.add(r.code);
          continue;
        }
        if (plan.kind === 'runtime') expect((await apply(plan.commands)).failed).toEqual([]);
        applied = next;
        h2Now = i % 2 === 0 ? 'v2' : 'v1';
      }
      const during = await stream.stop();
      expect(during.filter((x) => x !== 'v1' && x !== 'v2')).toEqual([]);
      expect([...reasons]).toEqual(['crt-list-line-options']);
      expect(await target.workerPid()).toBe(loadedPid);
      expect(to('none').plan).toEqual({ kind: 'reload', reasons: [{ code: 'crt-list-line-options', backend: undefined }] });
    });

    test('a removed certificate leaves its SNI to the default certificate', async () => {
      const file = entryOf(applied)?.certFile ?? '';
      const { next, commands } = planTo(undefined);
      const result = await apply(commands);
      expect(replies(result)).toEqual([
        ['del-crt-list', 'ok', `Entry '${file}' deleted in crtlist '${CRT_LIST_FILE}'!`],
        ['del-ssl-cert', 'ok', `Certificate '${file}' deleted!`],
      ]);
      applied = next;
      expect((await crtList()).map((l) => l.sni)).not.toContain(HOST);
      if (kind.dataPlane) {
        expect(await seen()).toBe('default');
        expect(await seen(STEADY_HOST)).toBe('steady');
      }
    });

    test('a new default certificate replaces the old one in both TLS frontends, under its name', async () => {
      if (kind.dataPlane) expect(await seen('unknown.example.com')).toBe('default');
      const next = { ...applied, defaultCertificate: servingPem({ certificate: certs.v2.chain, key: certs.v2.key, caCertificate: '' }) };
      const plan = planUpdate(applied, next, numbers);
      if (plan.kind !== 'runtime') throw new Error(`expected a runtime plan, got ${JSON.stringify(plan)}`);
      const result = await client.apply(plan.commands);
      expect(replies(result)).toEqual([
        ['set-ssl-cert', 'ok', 'Transaction created for certificate default.pem!'],
        // A dot for each bind that loads it: the SNI and the no-SNI frontend.
        ['commit-ssl-cert', 'ok', 'Committing default.pem..\nSuccess!'],
      ]);
      if (kind.dataPlane) {
        expect(await seen('unknown.example.com')).toBe('v2');
        expect(await seen(STEADY_HOST)).toBe('steady');
      }
      const back = planUpdate(next, applied, numbers);
      if (back.kind !== 'runtime') throw new Error(`expected a runtime plan, got ${JSON.stringify(back)}`);
      expect((await client.apply(back.commands)).failed).toEqual([]);
      if (kind.dataPlane) expect(await seen('unknown.example.com')).toBe('default');
    });

    test('a CA file is loaded live, and only then can a server verified by it be added', async () => {
      const caFile = join(target.settings.certDir, 'destca-contract_live.pem');
      const ref = { backend: backendName('edge', 'default', 'secure'), server: 'ca-probe' };
      const add: RuntimeCommand = { kind: 'add-server', ...ref, address: '127.0.0.1:9', options: `ssl verify required ca-file ${caFile} verifyhost probe.default.svc` };
      expect(replies(await client.apply([add]))).toEqual([['add-server', 'failed', `'ca-file' : unable to load ${caFile}.`]]);
      const load: RuntimeCommand[] = [
        { kind: 'new-ssl-ca-file', caFile },
        { kind: 'set-ssl-ca-file', caFile, pem: certs.v1.chain },
        { kind: 'commit-ssl-ca-file', caFile },
      ];
      expect(replies(await client.apply([...load, add]))).toEqual([
        ['new-ssl-ca-file', 'ok', `New CA file created '${caFile}'!`],
        ['set-ssl-ca-file', 'ok', `transaction created for CA ${caFile}!`],
        ['commit-ssl-ca-file', 'ok', `Committing ${caFile}\nSuccess!`],
        ['add-server', 'ok', 'New server registered.'],
      ]);
      // Loading again is harmless: the planner does not track what a worker has read.
      expect(replies(await client.apply(load)).map(([, status]) => status)).toEqual(['ok', 'ok', 'ok']);
      expect((await client.apply([{ kind: 'set-maint', ...ref }, { kind: 'del-server', ...ref }])).failed).toEqual([]);
    });

    test('the largest certificate request the buffer holds goes through; one byte more is refused before sending', async () => {
      const file = join(target.settings.certDir, 'cert-contract:largest.pem');
      const base = `${certs.v1.key}${certs.v1.chain}`;
      // Text outside PEM blocks is skipped by PEM readers, so filler lines pad the request to an exact size.
      const padded = (requestBytes: number) => {
        let pem = base;
        const missing = () => requestBytes - Buffer.byteLength(`set ssl cert ${file} <<\n${pem}\n`);
        while (missing() > 66) pem += `${'x'.repeat(64)}\n`;
        // The last line takes the 2 to 66 bytes left; never an empty one, which would end the payload.
        return `${pem}${'y'.repeat(missing() - 1)}\n`;
      };
      const largest = padded(target.settings.bufSize - 1);
      expect(fitsCliBuffer(setSslCertRequest(file, largest), target.settings.bufSize)).toBe(true);
      const commands: CertificateCommand[] = [
        { kind: 'new-ssl-cert', certFile: file },
        { kind: 'set-ssl-cert', certFile: file, pem: largest },
        { kind: 'commit-ssl-cert', certFile: file },
        { kind: 'del-ssl-cert', certFile: file },
      ];
      const result = await client.apply(commands);
      expect(result.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);

      const tooLarge = padded(target.settings.bufSize);
      expect(fitsCliBuffer(setSslCertRequest(file, tooLarge), target.settings.bufSize)).toBe(false);
      await expect(client.apply([{ kind: 'new-ssl-cert', certFile: file }, { kind: 'set-ssl-cert', certFile: file, pem: tooLarge }])).rejects.toThrow(
        `takes ${target.settings.bufSize} bytes, more than haproxy's ${target.settings.bufSize}-byte buffer holds`,
      );
    });

    test("any other reply is a failure carrying haproxy's text, and does not stop the batch", async () => {
      const steady = entryOf(applied, STEADY_HOST)?.certFile ?? '';
      const file = join(target.settings.certDir, 'cert-contract:broken.pem');
      const result = await client.apply([
        { kind: 'new-ssl-cert', certFile: steady },
        { kind: 'new-ssl-cert', certFile: file },
        { kind: 'set-ssl-cert', certFile: file, pem: 'not a certificate\n' },
        { kind: 'commit-ssl-cert', certFile: file },
        { kind: 'add-crt-list', crtList: CRT_LIST_FILE, entries: [{ certFile: file, sni: 'broken.example.com', alpn: false }] },
        { kind: 'del-ssl-cert', certFile: steady },
        { kind: 'del-crt-list', crtList: 'missing.map', entry: entryOf(applied, STEADY_HOST) as CrtListEntry, line: 1 },
        { kind: 'del-ssl-cert', certFile: file },
      ]);
      expect(replies(result)).toEqual([
        ['new-ssl-cert', 'failed', `Certificate '${steady}' already exists!`],
        ['new-ssl-cert', 'ok', `New empty certificate store '${file}'!`],
        ['set-ssl-cert', 'failed', `unable to load certificate from file '${file}'.\nCan't load the payload\nCan't update ${file}!`],
        ['commit-ssl-cert', 'failed', `No ongoing transaction! !\nCan't commit ${file}!`],
        ['add-crt-list', 'failed', `Can't edit the crt-list: certificate '${file}' is empty!`],
        ['del-ssl-cert', 'failed', `Can't remove the certificate: certificate '${steady}' in use, can't be deleted!`],
        ['del-crt-list', 'failed', "Can't delete the entry: crt-list 'missing.map' does not exist!"],
        ['del-ssl-cert', 'ok', `Certificate '${file}' deleted!`],
      ]);
      if (kind.dataPlane) expect(await seen(STEADY_HOST)).toBe('steady');
    });

    test('a certificate whose file name has a colon is added, but its line cannot be deleted, so the planner reloads', async () => {
      const name = 'cert-contract:colon.pem';
      const file = join(target.settings.certDir, name);
      const pem = servingPem({ certificate: certs.v1.chain, key: certs.v1.key, caCertificate: '' });
      const entry = { certFile: file, sni: 'colon.example.com', alpn: false };
      const added = await apply([
        { kind: 'new-ssl-cert', certFile: file },
        { kind: 'set-ssl-cert', certFile: file, pem },
        { kind: 'commit-ssl-cert', certFile: file },
        { kind: 'add-crt-list', crtList: CRT_LIST_FILE, entries: [entry] },
      ]);
      expect(added.failed).toEqual([]);
      if (kind.dataPlane) expect(await seen('colon.example.com')).toBe('v1');
      const session = { idleTimeoutMs: 5000, windowBytes: 8192, bufSize: target.settings.bufSize };
      expect(await runCliSession(target.settings.adminSocketPath, [{ line: `del ssl crt-list ${CRT_LIST_FILE} ${file}` }], session)).toEqual([
        `Can't delete the entry: wrong line number after colons in '${file}'!`,
      ]);
      const withColon = { ...applied, crtList: [...applied.crtList, entry], certificates: [...applied.certificates, { name, pem }] };
      expect(planUpdate(withColon, applied)).toEqual({ kind: 'reload', reasons: [{ code: 'crt-list-line-undeletable', backend: undefined }] });
    });

    test('a certificate shared by several SNIs: loaded on one line, each line comes and goes by its number, the file with the first and the last', async () => {
      const file = entryOf(applied, SHARED_A)?.certFile ?? '';
      const sharedLines = async () => (await crtList()).filter((l) => l.certFile === file).map((l) => l.sni);
      expect(await sharedLines()).toEqual(SHARED_HOSTS.slice(0, 2));
      expect(numbers.lineOf(entryOf(applied, SHARED_A) as CrtListEntry)).toBe(numbers.lineOf(entryOf(applied, SHARED_B) as CrtListEntry));

      // One SNI of the loaded line goes: the line goes whole, after the SNI that stays got a line of its own; a line of that file is added beside it.
      let { next, commands } = planTo(undefined, SHARED_HOSTS.slice(1));
      expect(replies(await apply(commands))).toEqual([
        ['add-crt-list', 'ok', `Inserting certificate '${file}' in crt-list '${CRT_LIST_FILE}'.\nSuccess!`],
        ['add-crt-list', 'ok', `Inserting certificate '${file}' in crt-list '${CRT_LIST_FILE}'.\nSuccess!`],
        ['del-crt-list', 'ok', `Entry '${file}' deleted in crtlist '${CRT_LIST_FILE}'!`],
      ]);
      applied = next;
      expect((await sharedLines()).sort()).toEqual(SHARED_HOSTS.slice(1));
      if (kind.dataPlane) expect([await seen(SHARED_A), await seen(SHARED_B), await seen(SHARED_C)]).toEqual(['default', 'shared', 'shared']);

      // The loaded line and the one added live both go, then the file.
      ({ next, commands } = planTo(undefined, []));
      expect(replies(await apply(commands))).toEqual([
        ['del-crt-list', 'ok', `Entry '${file}' deleted in crtlist '${CRT_LIST_FILE}'!`],
        ['del-crt-list', 'ok', `Entry '${file}' deleted in crtlist '${CRT_LIST_FILE}'!`],
        ['del-ssl-cert', 'ok', `Certificate '${file}' deleted!`],
      ]);
      applied = next;
      expect(await sharedLines()).toEqual([]);

      // Back on two lines: the file is created once.
      ({ next, commands } = planTo(undefined, [SHARED_C, SHARED_A]));
      expect(commands.map((c) => c.kind)).toEqual(['new-ssl-cert', 'set-ssl-cert', 'commit-ssl-cert', 'add-crt-list', 'add-crt-list']);
      expect((await apply(commands)).failed).toEqual([]);
      applied = next;
      expect((await sharedLines()).sort()).toEqual([SHARED_A, SHARED_C]);
      if (kind.dataPlane) expect(await seen(SHARED_C)).toBe('shared');
    });

    test('none of it reloaded haproxy: the same worker answers', async () => {
      expect(await target.workerPid()).toBe(loadedPid);
    });
  });
}
