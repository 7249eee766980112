/**
 * @module `mcr demo` (`npm start`): the whole system on one machine — simulated sources, the server
 * on SQLite in ./data, one demo user per role — and prints where everything is.
 */
import { DemoAccountsRefusedError } from '../../access/account-errors.ts';
import { ensureDemoUsers } from '../../access/demo-users.ts';
import { loadConfig } from '../../config/load-config.ts';
import { formatNhsNumber } from '../../identity/nhs-number.ts';
import { listPersonas } from '../../../sim/population/personas.ts';
import { defineCommand } from '../command.ts';
import { demoPassword } from './demo-password.ts';
import { describeSims } from './describe-sims.ts';

export const demoCommand = defineCommand({
  path: ['demo'],
  summary:
    'Run everything: simulated sources, the server (SQLite in ./data) and demo users (npm start).',
  usage: [
    'Usage: mcr demo [--config FILE] [--seed N] [--size N] [--static]',
    '',
    'The region: 300 GP practices (one GP Connect process), SDS, a PIXm patient index and 7 R4',
    'sources; each record view finds the registered practice through PDS and SDS and asks only',
    'it. --static runs the small fixed set instead (2 practices listed as sources, 3 R4 sources).',
    '',
    'MCR_PORT (default 8080), MCR_DATA_DIR (default ./data), MCR_DEMO_PASSWORD (else generated once',
    'and kept in the data directory). A --config FILE is laid over the demo configuration.',
  ].join('\n'),
  options: {
    config: { type: 'string' },
    static: { type: 'boolean' },
    seed: { type: 'string' },
    size: { type: 'string' },
  },
  async run(values, io) {
    if (io.env['NODE_ENV'] === 'production') {
      io.stderr(
        'mcr demo: refused under NODE_ENV=production (demo users and simulated sources are for trying things out).',
      );
      return 1;
    }
    // Loaded on use: `mcr --help` and the other commands need not load the server or the sims.
    const { listen, shutDownGracefully, shutDownOnSignals } = await import('../../main.ts');
    const { startSims } = await import('../../../sim/start-sims.ts');
    const { startNhsLoginSim, NHS_LOGIN_ACCOUNTS, NHS_LOGIN_SCOPES } =
      await import('../../../sim/servers/nhs-login-server.ts');
    const nhsLogin = await startNhsLoginSim();
    const sims = await startSims({
      region: values.static !== true,
      seed: values.seed === undefined ? undefined : Number(values.seed),
      size: values.size === undefined ? undefined : Number(values.size),
      ehr: true,
    });
    const { ehrSmartConfig } = await import('../../../sim/servers/ehr-server.ts');
    try {
      const config = loadConfig({
        file: values.config,
        base: {
          demographics: { url: sims.demographicsUrl },
          sources: sims.sourcesConfig(),
          ...sims.discoveryConfig(),
          smart: { ehrs: sims.ehr === undefined ? [] : [ehrSmartConfig(sims.ehr)] },
          dataDir: './data',
          // Patients sign in through the simulated NHS login.
          nhsLogin: {
            issuer: nhsLogin.issuer,
            clientId: nhsLogin.clientId,
            clientSecret: nhsLogin.clientSecret,
            scopes: NHS_LOGIN_SCOPES,
          },
          // Keep the terminal readable; MCR_LOG_LEVEL=info shows the access log.
          logging: { level: 'warn' },
        },
        env: io.env,
      });
      const { app, url } = await listen(config);
      sims.ehr?.connectViewer({
        launchUrl: new URL('/launch', config.server.publicUrl ?? url).href,
        redirectUri: new URL('/launch/callback', config.server.publicUrl ?? url).href,
      });
      nhsLogin.registerClient(
        new URL('/auth/nhs-login/callback', config.server.publicUrl ?? url).href,
      );
      const { password, source } = demoPassword(config.dataDir, io.env['MCR_DEMO_PASSWORD']);
      const demo = await ensureDemoUsers({ accounts: app.services.accounts, password });

      io.stdout('');
      io.stdout(`My Care Record is running at ${url}`);
      io.stdout('');
      io.stdout('Demo sign-ins (one per role):');
      for (const username of [...demo.created, ...demo.reset]) io.stdout(`  ${username}`);
      io.stdout(
        `  password: ${password}  ${source === 'env' ? '(from MCR_DEMO_PASSWORD)' : `(kept in ${config.dataDir}/demo-password)`}`,
      );
      if (demo.skipped.length > 0)
        io.stdout(`  (not demo accounts, left alone: ${demo.skipped.join(', ')})`);
      io.stdout('');
      io.stdout('Patients to try (mcr demo personas --json lists them all):');
      for (const persona of listPersonas().slice(0, 6)) {
        io.stdout(`  ${formatNhsNumber(persona.nhsNumber)}  ${persona.name} — ${persona.story}`);
      }
      io.stdout('');
      if (sims.ehr !== undefined) {
        io.stdout('Open it from a hospital EHR (SMART App Launch, one click per patient):');
        io.stdout(`  ${sims.ehr.url}/  (simulated EHR; FHIR base ${sims.ehr.fhirBaseUrl})`);
        io.stdout('');
      }
      io.stdout(
        `Patients: ${url}/patient (sign in with the simulated NHS login, any password; public page ${url}/about):`,
      );
      io.stdout(`  patient sign-in: ${url}/auth/nhs-login/login`);
      for (const [login, account] of Object.entries(NHS_LOGIN_ACCOUNTS)) {
        const who =
          account.nhs_number === undefined
            ? 'no NHS number'
            : `NHS number ${formatNhsNumber(account.nhs_number)}`;
        io.stdout(`  ${login}  (${account.identity_proofing_level}, ${who})`);
      }
      io.stdout('');
      io.stdout('Simulated sources:');
      for (const line of describeSims(sims)) io.stdout(`  ${line}`);
      io.stdout('');
      io.stdout(
        `Data directory: ${config.dataDir} (SQLite: accounts, permissions, audit — nothing clinical)`,
      );
      io.stdout('Stop with Ctrl+C.');
      shutDownOnSignals(async () => {
        const finished = await shutDownGracefully(app, config.server);
        await sims.close();
        await nhsLogin.close();
        return finished;
      });
      return 0;
    } catch (error) {
      await sims.close();
      await nhsLogin.close();
      if (error instanceof DemoAccountsRefusedError) {
        io.stderr(`mcr demo: ${error.message}`);
        return 1;
      }
      throw error;
    }
  },
});
