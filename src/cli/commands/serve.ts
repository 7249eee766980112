/** @module `mcr serve --config FILE`: runs only the server, against the sources in FILE (real deployments). */
import { loadConfig } from '../../config/load-config.ts';
import { UsageError } from '../cli-io.ts';
import { defineCommand } from '../command.ts';

export const serveCommand = defineCommand({
  path: ['serve'],
  summary: 'Run the server against the sources in a configuration file.',
  usage:
    'Usage: mcr serve --config FILE\n\nMCR_PORT, MCR_DATA_DIR and MCR_DATABASE_URL override the file (docs/configuration.md).',
  options: { config: { type: 'string' } },
  async run(values, io) {
    const file = values.config ?? io.env['MCR_CONFIG'];
    if (file === undefined) throw new UsageError('--config FILE is required');
    const config = loadConfig({ file, env: io.env });
    // Loaded on use: `mcr --help` and the other commands need not load the server.
    const { listen, shutDownGracefully, shutDownOnSignals } = await import('../../main.ts');
    const { app, url } = await listen(config);
    io.stdout(`My Care Record is listening at ${url} with ${config.sources.length} source(s).`);
    // SIGTERM: drain (readiness 503), finish in-flight views and streams, sign a checkpoint, exit 0.
    shutDownOnSignals(() => shutDownGracefully(app, config.server));
    return 0;
  },
});
